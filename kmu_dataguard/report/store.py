"""Writing reports into a report folder: atomically, keeping the last N runs per gate.

Layout of a report folder::

    REPORT_DIR/
      index.html                       the newest run (replaced atomically; bookmark this)
      runs/<gate>_<YYYYmmdd-HHMMSS>[-n]/  one folder per run, the last ``keep`` per gate
        index.html                     the same report, links relative to this folder
        failing-records/<check>.csv    per check with failing records: CSV (Excel, ';', BOM)
        failing-records/<check>.xlsx   and XLSX, unmasked

A run is written into a hidden temporary folder next to the runs and renamed into place only when
complete; the rename claims the name (``-2``, ``-3``… when taken), so runs of the same second
never collide. Publishing (the top-level ``index.html``, pruning) happens under an advisory lock:
only a run that started no earlier than the one shown replaces the page, and a run the live page
links is never removed. A run that fails or is stopped midway removes its folders and leaves the
previous report untouched. Gate and check names are cut to a bounded length plus a hash. No
symlinks: they do not survive Windows shares. The guarantees are in docs/report-folder.md.
"""

from __future__ import annotations

import errno
import itertools
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

from kmu_dataguard.errors import RunStopped
from kmu_dataguard.outputs.files import atomic_write_text, bounded_name, umask
from kmu_dataguard.report.export import export_rows, export_stem, write_csv, write_xlsx
from kmu_dataguard.report.export import failing_outcomes as _failing
from kmu_dataguard.report.html import HistoryEntry, render_report
from kmu_dataguard.report.i18n import Lang, Texts, format_datetime
from kmu_dataguard.results import GateResult

__all__ = ["DEFAULT_KEEP", "RUNS", "atomic_write_text", "write_report"]

DEFAULT_KEEP = 10
RUNS = "runs"
EXPORTS = "failing-records"
_TMP_PREFIX = ".tmp-"
_STALE_TMP_S = 3600  # temporary folders of crashed runs older than this are removed
_RUN_NAME = re.compile(r"^(?P<gate>.+)_(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?$")
# What render_report writes into a page's head: when the run started; on the top page its folder.
_STARTED = re.compile(r'<meta name="dataguard-started" content="([^"]+)">')
_SHOWN = re.compile(r'<meta name="dataguard-run" content="([^"]+)">')


def write_report(
    result: GateResult,
    folder: str | os.PathLike[str],
    *,
    lang: Lang = "en",
    mask: bool = True,
    keep: int = DEFAULT_KEEP,
) -> Path:
    """Write the run's folder and, if it is the newest run, the top-level ``index.html``.

    Returns the top-level ``index.html`` when it now shows this run, else the run's own page
    (a run started later already published).
    """
    root = Path(folder)
    runs = root / RUNS
    runs.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(runs)
    gate = _safe(result.gate or "check")
    tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=runs))
    try:
        exports = _write_exports(result, tmp, lang)
        page = render_report(result, lang=lang, mask=mask, exports=exports)
        (tmp / "index.html").write_text(page, encoding="utf-8")
        _make_readable(tmp)
        with _locked(runs):
            name = _claim(tmp, runs, f"{gate}_{result.started_at.astimezone():%Y%m%d-%H%M%S}")
            published, victims = _publish(result, root, name, gate, exports, lang, mask, keep)
            # Renamed out of sight while still locked: a run publishing after the lock is freed
            # must not list a folder this run is about to delete (found by 8 gates at once).
            trash = _retire(victims)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    target = root / "index.html"
    try:
        for folder in trash:
            shutil.rmtree(folder, ignore_errors=True)
    except RunStopped as stop:
        stop.report = str(target if published else runs / name / "index.html")
        raise
    if published or (runs / name) in victims:
        return target
    return runs / name / "index.html"


def _retire(victims: list[Path]) -> list[Path]:
    """Rename runs to be removed to hidden temporary names; return the new paths.

    A crash before they are deleted leaves hidden folders that a later run removes after an hour.
    """
    trash = []
    for victim in victims:
        hidden = victim.with_name(f"{_TMP_PREFIX}gone-{victim.name}-{os.getpid()}")
        try:
            os.rename(victim, hidden)
        except OSError:  # already gone, or the share refuses: delete it in place
            hidden = victim
        trash.append(hidden)
    return trash


def _publish(
    result: GateResult,
    root: Path,
    name: str,
    gate: str,
    exports: dict[str, tuple[str, str]],
    lang: Lang,
    mask: bool,
    keep: int,
) -> tuple[bool, list[Path]]:
    """Under the lock: make run ``name`` the top-level page unless a newer run is shown there.

    Returns whether it was published and the old runs to remove once it is. A run linked from
    the live ``index.html`` is never chosen, so the page never links a folder that is gone.
    On failure the just-claimed run folder is removed: the previous report stays as it was.
    """
    runs = root / RUNS
    index = root / "index.html"
    try:
        shown = _shown_run(index)
        publish = shown is None or not _older(result.started_at, shown[1])
        protected = {name} if publish else _linked_runs(index)
        victims = _victims(runs, gate, keep, protected)
        if publish:
            prefix = f"{RUNS}/{name}/"
            top = render_report(
                result,
                lang=lang,
                mask=mask,
                exports={k: (prefix + c, prefix + x) for k, (c, x) in exports.items()},
                history=_history(runs, exclude={name, *(v.name for v in victims)}, lang=lang),
                run=name,
            )
            atomic_write_text(index, top)
    except BaseException:
        shutil.rmtree(runs / name, ignore_errors=True)
        raise
    return publish, victims


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Serialise publishing between runs on this machine (an advisory lock on ``folder``).

    Where locking is not available (Windows, some network shares) runs go ahead unlocked: the
    names stay unique (see :func:`_claim`), but the newest-run rule becomes last writer wins.
    """
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        with suppress(OSError):  # not supported on this file system: unlocked, as documented
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _claim(tmp: Path, runs: Path, base: str) -> str:
    """Rename ``tmp`` to the first free name of ``base``, ``base-2``, …; return that name.

    The rename itself claims the name (it fails on an existing, non-empty folder), so two runs
    finishing in the same second never take the same name, lock or no lock.
    """
    for n in itertools.count(1):
        name = base if n == 1 else f"{base}-{n}"
        try:
            os.rename(tmp, runs / name)
        except OSError as exc:
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
            continue
        return name
    raise AssertionError("unreachable")


def _shown_run(index: Path) -> tuple[str, datetime] | None:
    """The run the top-level page shows and when it started (None: none or unknown)."""
    head = _head(index)
    run, started = _SHOWN.search(head), _STARTED.search(head)
    if run is None or started is None:
        return None
    try:
        return run[1], datetime.fromisoformat(started[1])
    except ValueError:
        return None


def _older(started: datetime, than: datetime) -> bool:
    try:
        return started < than
    except TypeError:  # one of them without time zone (a hand-made result): cannot tell
        return False


def _linked_runs(index: Path) -> set[str]:
    """Every run folder the top-level page links to (its own run and its history)."""
    text = _head(index, limit=None)
    return set(re.findall(rf'href="{RUNS}/([^/"]+)/', text)) | set(_SHOWN.findall(text))


def _head(page: Path, limit: int | None = 20000) -> str:
    try:
        with page.open(encoding="utf-8") as fh:
            return fh.read(limit if limit is not None else -1)
    except OSError:
        return ""


def _victims(runs: Path, gate: str, keep: int, protected: set[str]) -> list[Path]:
    """The oldest runs of ``gate`` beyond the newest ``keep``, never a protected one."""
    mine = _runs_of(runs, gate)
    excess = len(mine) - max(1, keep)
    return [e for e in mine if e.name not in protected][: max(0, excess)]


def _write_exports(result: GateResult, folder: Path, lang: Lang) -> dict[str, tuple[str, str]]:
    """The failing-records lists of every check that has failing records: name → hrefs."""
    links: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for check in result.checks:
        if not any(e.failing_keys or e.groups for e in _failing(check)):
            continue
        stem = export_stem(check.name)
        while stem.lower() in used:
            stem += "_"
        used.add(stem.lower())
        (folder / EXPORTS).mkdir(exist_ok=True)
        # Built once for both lists: the failing records, never the checked table.
        rows = export_rows(check, Texts(lang))
        write_csv(check, folder / EXPORTS / f"{stem}.csv", lang, rows)
        write_xlsx(check, folder / EXPORTS / f"{stem}.xlsx", lang, rows)
        del rows
        links[check.name] = (f"{EXPORTS}/{stem}.csv", f"{EXPORTS}/{stem}.xlsx")
    return links


def _runs_of(runs: Path, gate: str | None = None) -> list[Path]:
    """Finished run folders (of one gate), oldest first."""
    found = []
    for entry in runs.iterdir():
        if entry.name.startswith(_TMP_PREFIX):  # being written or being removed
            continue
        match = _RUN_NAME.match(entry.name)
        if entry.is_dir() and match and (gate is None or match["gate"] == gate):
            found.append((match["stamp"], int(match["n"] or 1), entry))
    return [e for _, _, e in sorted(found)]


def _history(runs: Path, exclude: set[str], lang: Lang) -> list[HistoryEntry]:
    entries = []
    for entry in reversed(_runs_of(runs)):
        if entry.name in exclude:
            continue
        match = _RUN_NAME.match(entry.name)
        assert match is not None
        stamp = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S").astimezone()
        verdict = _verdict_of(entry / "index.html")
        label = f"{match['gate']} · {format_datetime(stamp, lang)}"
        entries.append(HistoryEntry(label, f"{RUNS}/{entry.name}/index.html", verdict))
    return entries[:20]


def _verdict_of(page: Path) -> str:
    match = re.search(r'data-verdict="(pass|warn|blocked|error)"', _head(page))
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
