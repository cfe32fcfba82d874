"""Running the real ``dataguard`` CLI in subprocesses (for signals, concurrency, full disks)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]  # the repository root


def command(*args: str | os.PathLike[str]) -> list[str]:
    return [sys.executable, "-m", "kmu_dataguard", *map(str, args)]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start(*args: str | os.PathLike[str], stderr: Any = subprocess.PIPE) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command(*args),
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=environment(),
        preexec_fn=_as_from_a_terminal,
    )


def _as_from_a_terminal() -> None:
    """Ctrl-C as a user's shell delivers it: a test suite started in the background (``cmd &``
    without job control) hands its children SIGINT ignored, and the CLI keeps an ignored
    signal ignored (tested in test_signals.py)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(*args: str | os.PathLike[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args), capture_output=True, text=True, env=environment(), timeout=timeout
    )


def add_gate(config: Path, gate: str, checks: list[str], **settings: object) -> None:
    """Add gate ``gate`` (and top-level settings such as report_keep) to a dataguard.yml."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["gates"][gate] = {"checks": checks}
    data.update(settings)
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def leftovers(folder: Path) -> list[Path]:
    """Hidden temporary folders or files anywhere below ``folder``."""
    return [p for p in folder.rglob("*") if p.name.startswith(".")]
