"""Run ``examples/prefect/invoicing_flow.py`` for real, in one process (one Prefect server
start, one Great Expectations import), and print one JSON line per flow run.

Usage: ``python -m tests.support.run_prefect_example CONFIG TARGET [SERVE_URL]``. Each line
is ``{"case": ..., "state": "COMPLETED"|"FAILED", "message": ..., "imported": bool}``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_example() -> object:
    path = ROOT / "examples" / "prefect" / "invoicing_flow.py"
    spec = importlib.util.spec_from_file_location("invoicing_flow", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(config: str, target: str, url: str | None = None) -> None:
    example = load_example()
    cases = [("library", gate, None) for gate in ("invoicing", "payments")]
    if url:
        cases += [("http", gate, url) for gate in ("invoicing", "payments")]
    for how, gate, base in cases:
        out = Path(target) / f"{how}-{gate}"
        state = example.invoicing_import(  # type: ignore[attr-defined]
            config=config, target=str(out), gate=gate, url=base, return_state=True
        )
        line = {
            "case": f"{how}-{gate}",
            "state": state.type.value,
            "message": state.message,
            "imported": out.is_dir() and any(out.iterdir()),
        }
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
