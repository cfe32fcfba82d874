"""Write a check's split: ``accepted.<ext>``, ``held.<ext>`` and ``held_reasons.xlsx`` in DIR.

Safety: DIR is never the source's own folder unless asked (``--split-force`` /
``split_force: true``), a part is never written over the source, and the three files are
written as temporary files in DIR and renamed only when all three are complete (``accepted``
last); on any error every file of this split, renamed or not, and DIR when this run created
it, are removed. The source is read once more, as bytes, and compared with the file that was
checked (size and modification time): a file that changed in between is an error, never a
split of other data.
"""

from __future__ import annotations

import errno
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kmu_dataguard.errors import ConfigError, SourceError, ValidationUnavailable
from kmu_dataguard.outputs.files import umask
from kmu_dataguard.report.i18n import Texts
from kmu_dataguard.results import CheckResult, Severity

if TYPE_CHECKING:
    import pandas as pd

    from kmu_dataguard.sources.limits import Limits

__all__ = [
    "REASONS_FILE",
    "SplitError",
    "SplitInput",
    "SplitSummary",
    "SplitTarget",
    "split_target",
    "write_split",
]

REASONS_FILE = "held_reasons.xlsx"
# The names a split writes start so: a source named so, in DIR, could be overwritten.
_PART_PREFIXES = ("accepted.", "held.", REASONS_FILE)


class SplitError(ValidationUnavailable):
    """The split could not be written (exit 3); nothing of it was left behind."""


@dataclass(frozen=True)
class SplitTarget:
    """Where a check's split goes, checked before anything is read."""

    folder: Path
    force: bool = False


@dataclass
class SplitInput:
    """What the split needs of a checked file source, kept from when it was read."""

    target: SplitTarget
    path: Path
    fmt: str  # csv, excel or datev
    frame: pd.DataFrame
    stat: tuple[int, int]  # (size, mtime_ns) before it was read
    limits: Limits
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int | None = None
    entity: str | None = None


@dataclass
class SplitSummary:
    """A written split, for the text and JSON outputs."""

    folder: str
    accepted: int
    held: int
    files: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dir": self.folder,
            "accepted": self.accepted,
            "held": self.held,
            "accepted_file": self.files["accepted"],
            "held_file": self.files["held"],
            "reasons_file": self.files["held_reasons"],
        }


def split_target(folder: str | os.PathLike[str], source: Path, *, force: bool) -> SplitTarget:
    """Check DIR against the source before the check runs (a usage error, exit 2)."""
    target = Path(folder).expanduser()
    where = target.resolve()
    if where.exists() and not where.is_dir():
        raise ConfigError(f"--split {target}: is a file, not a folder; name a folder")
    home = source.expanduser().resolve().parent
    if where == home and source.name.startswith(_PART_PREFIXES):
        raise ConfigError(
            f"--split {target}: would write over the source {source.name} itself; "
            "name another folder"
        )
    if where == home and not force:
        raise ConfigError(
            f"--split {target}: is the folder of the source {source.name}; name another folder "
            "(e.g. a sub-folder), or add --split-force (split_force: true) to write next to it"
        )
    return SplitTarget(target, force)


def write_split(
    check: CheckResult,
    related: list[CheckResult],
    split: SplitInput,
    fail_on: Severity,
    lang: str,
) -> SplitSummary:
    """Route the records and write the three files; raise :class:`SplitError` (exit 3)."""
    import numpy as np

    from kmu_dataguard.split.reasons import reason_rows, write_reasons
    from kmu_dataguard.split.routing import held_records
    from kmu_dataguard.split.source_files import source_records

    data = read_again(split)
    records = source_records(
        split.path,
        data,
        split.fmt,
        split.frame,
        encoding=split.encoding,
        delimiter=split.delimiter,
        sheet=split.sheet,
        limits=split.limits,
    )
    held = held_records(check, related, split.frame, fail_on)
    record_held = np.ones(records.count, dtype=bool)  # a record not in the table: not checked
    record_held[records.table_records] = held.rows
    t = Texts("de" if lang == "de" else "en")
    with_name, rows = reason_rows(check, held.reasons, split.frame, t)
    cells = [c for _, c in rows]
    unchecked = np.ones(records.count, dtype=bool)
    unchecked[records.table_records] = False
    if unchecked.any():
        note = t("split.not_checked", entity=split.entity or check.name)
        pad = [""] if with_name else []
        cells += [[t("no_key"), *pad, "split.not_checked", note, "", "", ""]] * int(unchecked.sum())
    accepted = np.flatnonzero(~record_held).tolist()
    kept = np.flatnonzero(record_held).tolist()
    names = {
        "accepted": f"accepted{records.ext}",
        "held": f"held{records.ext}",
        "held_reasons": REASONS_FILE,
    }
    writers = {
        "accepted": lambda p: records.write(p, accepted),
        "held": lambda p: records.write(p, kept),
        "held_reasons": lambda p: write_reasons(p, check, with_name, cells, t),
    }
    files = _write_all(split, names, writers)
    return SplitSummary(str(split.target.folder), len(accepted), len(kept), files)


def read_again(split: SplitInput) -> bytes:
    source = split.path
    try:
        before = source.stat()
        data = source.read_bytes()
        after = source.stat()
    except OSError as exc:
        raise SplitError(
            f"{source}: cannot be read again for the split ({exc.strerror or exc}); "
            "check the file and run the check again"
        ) from exc
    stamps = {(s.st_size, s.st_mtime_ns) for s in (before, after)}
    if stamps != {split.stat} or len(data) != split.stat[0]:
        raise SourceError(
            f"{source}: changed while it was checked; no split was written. Export it again "
            "(or wait until the export is finished) and run the check again"
        )
    return data


def _write_all(split: SplitInput, names: dict[str, str], writers: dict[str, Any]) -> dict[str, str]:
    folder = split.target.folder
    source = split.path.resolve()
    for name in names.values():
        if (folder / name).resolve() == source:
            raise ConfigError(
                f"--split {folder}: would write {name} over the source itself; name another folder"
            )
    created = _make_folder(folder)
    temps: dict[str, Path] = {}
    placed: list[Path] = []
    try:
        for part, name in names.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            os.close(fd)
            temps[part] = Path(tmp)
            writers[part](temps[part])
            os.chmod(tmp, 0o666 & ~umask())
        # accepted last: the file an import picks up appears only when the others are there
        for part in reversed(names):
            os.replace(temps[part], folder / names[part])
            del temps[part]
            placed.append(folder / names[part])
    except OSError as exc:
        _clean([*temps.values(), *placed], created)
        raise SplitError(_write_message(folder, exc)) from exc
    except BaseException:
        _clean([*temps.values(), *placed], created)
        raise
    return {part: str(folder / name) for part, name in names.items()}


def _make_folder(folder: Path) -> list[Path]:
    """Create ``folder`` (and missing parents); return the folders created, deepest first."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SplitError(_write_message(folder, exc)) from exc
    return missing


def _clean(files: list[Path], created: list[Path]) -> None:
    """Remove what this split wrote (also parts already renamed), and the folders it made."""
    for written in files:
        written.unlink(missing_ok=True)
    for folder in created:
        try:
            folder.rmdir()
        except OSError:
            break


# What to do when DIR cannot be written, by errno (default: another folder).
_HINTS = {
    errno.ENOSPC: "free space or choose another --split folder",
    errno.EDQUOT: "free space (disk quota exceeded) or choose another --split folder",
    errno.EACCES: "make it writable for this user or choose another --split folder",
    errno.EPERM: "make it writable for this user or choose another --split folder",
    errno.EROFS: "it is on a read-only file system: choose another --split folder",
}


def _write_message(folder: Path, exc: OSError) -> str:
    hint = _HINTS.get(exc.errno or 0, "choose another --split folder")
    return f"split could not be written to {folder}: {exc.strerror or exc}; {hint}"
