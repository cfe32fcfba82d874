"""Writing reports into a report folder: atomically, keeping the last N runs per gate.

Layout of a report folder::

    REPORT_DIR/
      index.html                       the latest run (replaced atomically; bookmark this)
      runs/<gate>_<YYYYmmdd-HHMMSS>/   one folder per run, the last ``keep`` per gate
        index.html                     the same report, links relative to this folder
        failing-records/<check>.csv    per check with failing records: CSV (Excel, ';', BOM)
        failing-records/<check>.xlsx   and XLSX, unmasked

A run is written into a hidden temporary folder next to the runs and renamed into place only when
complete; the top-level ``index.html`` is replaced by renaming a finished file over it. A run
that fails midway removes its temporary folder and leaves the previous report untouched. No
symlinks: they do not survive Windows shares.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path

from kmu_dataguard.outputs.files import atomic_write_text, bounded_name, umask
from kmu_dataguard.report.export import export_stem, write_csv, write_xlsx
from kmu_dataguard.report.export import failing_outcomes as _failing
from kmu_dataguard.report.html import HistoryEntry, render_report
from kmu_dataguard.report.i18n import Lang, format_datetime
from kmu_dataguard.results import GateResult

__all__ = ["DEFAULT_KEEP", "RUNS", "atomic_write_text", "write_report"]

DEFAULT_KEEP = 10
RUNS = "runs"
EXPORTS = "failing-records"
_TMP_PREFIX = ".tmp-"
_STALE_TMP_S = 3600  # temporary folders of crashed runs older than this are removed
_RUN_NAME = re.compile(r"^(?P<gate>.+)_(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?$")


def write_report(
    result: GateResult,
    folder: str | os.PathLike[str],
    *,
    lang: Lang = "en",
    mask: bool = True,
    keep: int = DEFAULT_KEEP,
) -> Path:
    """Write the run's report folder and the top-level ``index.html``; return the latter."""
    root = Path(folder)
    runs = root / RUNS
    runs.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(runs)
    gate = _safe(result.gate or "check")
    name = _run_name(runs, gate, result.started_at)
    tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=runs))
    try:
        exports = _write_exports(result, tmp, lang)
        page = render_report(result, lang=lang, mask=mask, exports=exports)
        (tmp / "index.html").write_text(page, encoding="utf-8")
        _make_readable(tmp)
        os.rename(tmp, runs / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    prefix = f"{RUNS}/{name}/"
    top = render_report(
        result,
        lang=lang,
        mask=mask,
        exports={k: (prefix + c, prefix + x) for k, (c, x) in exports.items()},
        history=_history(runs, exclude=name, lang=lang),
    )
    target = atomic_write_text(root / "index.html", top)
    _prune(runs, gate, keep)
    return target


def _write_exports(result: GateResult, folder: Path, lang: Lang) -> dict[str, tuple[str, str]]:
    """The failing-records lists of every check that has failing records: name → hrefs."""
    links: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for check in result.checks:
        if not any(e.failing_keys or e.meta.get("groups") for e in _failing(check)):
            continue
        stem = export_stem(check.name)
        while stem.lower() in used:
            stem += "_"
        used.add(stem.lower())
        (folder / EXPORTS).mkdir(exist_ok=True)
        write_csv(check, folder / EXPORTS / f"{stem}.csv", lang)
        write_xlsx(check, folder / EXPORTS / f"{stem}.xlsx", lang)
        links[check.name] = (f"{EXPORTS}/{stem}.csv", f"{EXPORTS}/{stem}.xlsx")
    return links


def _run_name(runs: Path, gate: str, started: datetime) -> str:
    base = f"{gate}_{started.astimezone():%Y%m%d-%H%M%S}"
    name, n = base, 1
    while (runs / name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _runs_of(runs: Path, gate: str | None = None) -> list[Path]:
    """Finished run folders (of one gate), oldest first."""
    found = []
    for entry in runs.iterdir():
        match = _RUN_NAME.match(entry.name)
        if entry.is_dir() and match and (gate is None or match["gate"] == gate):
            found.append((match["stamp"], int(match["n"] or 1), entry))
    return [e for _, _, e in sorted(found)]


def _prune(runs: Path, gate: str, keep: int) -> None:
    old = _runs_of(runs, gate)
    for entry in old[: max(0, len(old) - max(1, keep))]:
        shutil.rmtree(entry, ignore_errors=True)


def _history(runs: Path, exclude: str, lang: Lang) -> list[HistoryEntry]:
    entries = []
    for entry in reversed(_runs_of(runs)):
        if entry.name == exclude:
            continue
        match = _RUN_NAME.match(entry.name)
        assert match is not None
        stamp = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S").astimezone()
        verdict = _verdict_of(entry / "index.html")
        label = f"{match['gate']} · {format_datetime(stamp, lang)}"
        entries.append(HistoryEntry(label, f"{RUNS}/{entry.name}/index.html", verdict))
    return entries[:20]


def _verdict_of(page: Path) -> str:
    try:
        head = page.read_text(encoding="utf-8")[:20000]
    except OSError:
        return "error"
    match = re.search(r'data-verdict="(pass|warn|blocked|error)"', head)
    return match.group(1) if match else "error"


def _remove_stale_temporaries(runs: Path) -> None:
    now = time.time()
    for entry in runs.glob(_TMP_PREFIX + "*"):
        try:
            if now - entry.stat().st_mtime > _STALE_TMP_S:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def _make_readable(folder: Path) -> None:
    """mkdtemp creates a private folder; a report on a share is for colleagues to read."""
    mask = umask()
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~mask)


def _safe(name: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9.-]+", "-", name).strip(".-")
    return bounded_name(safe) if safe else "check"
