"""Write the corrected copy and its change log, atomically, never over the source.

The source is read once more as bytes and compared with the file that was checked (size and
modification time, as ``--split`` does); its records are copied byte for byte, a record with a
change is rewritten only in the changed fields (:mod:`.fields`). Both files are written as
temporary files next to their targets and renamed only when both are complete; on any error
neither is left behind.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kmu_dataguard.errors import ConfigError, ValidationUnavailable
from kmu_dataguard.fixing.changes import Change, planned_changes
from kmu_dataguard.fixing.fields import cut_fields, field_value, replace_fields
from kmu_dataguard.outputs.files import umask
from kmu_dataguard.report.export import neutralise
from kmu_dataguard.results import CheckResult
from kmu_dataguard.split import SplitInput

__all__ = ["FixError", "FixSummary", "fix_target", "write_fix"]

_LOG_HEADERS = {
    "de": ["Schlüssel", "Spalte", "Alter Wert", "Neuer Wert", "Grund"],
    "en": ["key", "column", "old", "new", "reason"],
}


class FixError(ValidationUnavailable):
    """The corrected copy could not be written (exit 3); nothing of it was left behind."""


@dataclass
class FixSummary:
    """A written fix, for the text and JSON outputs."""

    out: str
    log: str
    changed_values: int
    changed_records: int
    #: failing values of the source with no safe suggestion (or one that could not be applied)
    without_fix: int
    #: the change log's rows, and the changed records' positions (stable from round to round)
    log_rows: list[list[str]] = field(default_factory=list)
    records: set[int] = field(default_factory=set)

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "log": self.log,
            "changed_values": self.changed_values,
            "changed_records": self.changed_records,
            "failing_without_safe_fix": self.without_fix,
        }


def fix_target(out: str, log: str | None, source: str) -> tuple[Path, Path]:
    """``--out`` and ``--log`` checked against the source and each other (exit 2)."""
    if "://" in source:
        raise ConfigError(
            f"{source}: fix writes a corrected copy of a file; export the table to a file"
        )
    src = Path(source).expanduser().resolve()
    out_path = Path(out).expanduser()
    log_path = Path(log).expanduser() if log else out_path.with_name(out_path.stem + ".changes.csv")
    if log_path.suffix.lower() not in (".csv", ".xlsx"):
        raise ConfigError(f"--log {log_path}: name a .csv or .xlsx file")
    for option, path in (("--out", out_path), ("--log", log_path)):
        if path.resolve() == src:
            raise ConfigError(
                f"{option} {path}: is the source itself; the source is never changed, "
                "name another file"
            )
        if path.is_dir():
            raise ConfigError(f"{option} {path}: is a folder; name a file")
    if out_path.resolve() == log_path.resolve():
        raise ConfigError(f"--log {log_path}: is the --out file; name another file")
    return out_path, log_path


def write_fix(
    check: CheckResult,
    source: SplitInput,
    out: Path,
    log: Path,
    lang: str,
    earlier: FixSummary | None = None,
) -> FixSummary:
    """Apply the safe suggestions to the source's records and write ``out`` and ``log``;
    ``earlier``: the summary of the round before (its log rows come first in the log)."""
    from kmu_dataguard.split.writing import read_again

    if source.fmt not in ("csv", "excel"):
        raise ConfigError(
            f"{source.path}: is a DATEV file; fix writes corrected copies of delimited text "
            "files and Excel workbooks only so far. Use --split to hold the records"
        )
    if source.fmt == "excel" and out.suffix.lower() != ".xlsx":
        raise ConfigError(f"--out {out}: the copy of a workbook is an .xlsx file; name it so")
    data = read_again(source)
    frame = source.frame
    file = _Workbook(source, data) if source.fmt == "excel" else _Delimited(source, data)
    if file.count != len(frame):
        raise FixError(
            f"{source.path}: {file.count} records now, {len(frame)} when checked; "
            "export it again and run fix again"
        )
    changes, without = planned_changes(check, frame)
    positions = _positions(file.names, check, frame)
    applied: list[Change] = []
    by_row: dict[int, list[Change]] = {}
    for change in changes:
        if change.column in positions:
            by_row.setdefault(change.row, []).append(change)
        else:
            without += 1
    for row, row_changes in by_row.items():
        if file.change(row, {positions[c.column]: (c.old, c.new) for c in row_changes}):
            applied += row_changes
        else:
            without += len(row_changes)  # the file's text is not the value read: leave it
    if earlier is not None and not applied:  # a round with nothing new: the files stand
        return FixSummary(
            earlier.out, earlier.log, earlier.changed_values, earlier.changed_records,
            without, earlier.log_rows, earlier.records,
        )  # fmt: skip
    from kmu_dataguard.suggestions import localize

    t = "de" if lang == "de" else "en"
    key = check.key if check.key in frame.columns else None
    headers = {c: check.source_headers.get(c, c) for c in frame.columns}
    rows = (earlier.log_rows if earlier else []) + [
        [
            str(frame[key].iat[c.row]) if key else str(file.line(c.row)),
            headers[c.column],
            c.old,
            c.new,
            localize(c.reason, t),
        ]
        for c in applied
    ]

    def write_log(path: Path) -> None:
        cells = [[neutralise(v) for v in r] for r in rows]
        if log.suffix.lower() == ".xlsx":  # ``path`` is the temporary file
            from kmu_dataguard.outputs.text_xlsx import write_text_xlsx

            sheet = "Änderungen" if t == "de" else "Changes"
            write_text_xlsx(path, sheet, _LOG_HEADERS[t], cells, [18, 18, 30, 30, 50])
            return
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(_LOG_HEADERS[t])
        writer.writerows(cells)
        path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8", newline="")

    _write_both([(out, file.write), (log, write_log)])
    changed = (earlier.records if earlier else set()) | {c.row for c in applied}
    return FixSummary(str(out), str(log), len(rows), len(changed), without, rows, changed)


def _positions(names: list[str], check: CheckResult, frame: Any) -> dict[str, int]:
    """Canonical column → position of its field in the source's header (unique names only)."""
    names = [n.strip() for n in names]
    positions = {}
    for column in frame.columns:
        header = str(check.source_headers.get(column, column)).strip()
        if names.count(header) == 1:
            positions[column] = names.index(header)
    return positions


class _Delimited:
    """A delimited file's raw records; a change rewrites only the changed fields."""

    def __init__(self, source: SplitInput, data: bytes) -> None:
        from kmu_dataguard.split.source_files import delimited_raw

        self.raw = delimited_raw(
            data, source.encoding, source.delimiter, str(source.path), source.limits
        )
        self.records = list(self.raw.records)
        self.count = len(self.records)
        try:
            head = self.raw.head.decode(self.raw.codec).lstrip("\ufeff").rstrip("\r\n")
        except UnicodeError:
            head = ""
        self.names = [field_value(f) for f in cut_fields(head, self.raw.delimiter) or []]

    def change(self, row: int, new: dict[int, tuple[str, str]]) -> bool:
        try:
            text = self.records[row].decode(self.raw.codec)
            fixed = replace_fields(text, self.raw.delimiter, new)
            if fixed is None:
                return False
            self.records[row] = fixed.encode(self.raw.codec)
        except UnicodeError:
            return False
        return True

    def line(self, row: int) -> int:
        return self.raw.lines[row]

    def write(self, path: Path) -> None:
        with path.open("wb") as handle:
            handle.write(self.raw.head)
            handle.write(b"".join(self.records))


class _Workbook:
    """A workbook's sheet as ``--split`` copies it (values, number formats, sheet name); a
    changed cell is written as text (``01067`` stays ``01067``)."""

    def __init__(self, source: SplitInput, data: bytes) -> None:
        from kmu_dataguard.split.source_files import source_records

        self.records = source_records(
            source.path, data, "excel", source.frame,
            encoding=None, delimiter=None, sheet=source.sheet, limits=source.limits,
        )  # fmt: skip
        assert self.records.rows is not None and self.records.header is not None
        self.rows = self.records.rows
        self.count = len(self.rows)
        self.names = ["" if v is None else str(v) for v, _ in self.records.header]

    def change(self, row: int, new: dict[int, tuple[str, str]]) -> bool:
        from kmu_dataguard.suggestions._text import plain_text

        cells = list(self.rows[row])
        for i, (old, value) in new.items():
            if i >= len(cells) or plain_text(cells[i][0]) != old:
                return False
            number_format = cells[i][1]
            cells[i] = (value, number_format if number_format == "@" else None)
        self.rows[row] = cells
        return True

    def line(self, row: int) -> int:
        return row + 2  # the sheet's row: the header is row 1

    def write(self, path: Path) -> None:
        self.records.write(path, range(self.count))


def _write_both(files: list[tuple[Path, Callable[[Path], None]]]) -> None:
    temps: list[Path] = []
    placed: list[Path] = []
    try:
        for path, write in files:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            os.close(fd)
            temps.append(Path(tmp))
            write(temps[-1])
            os.chmod(tmp, 0o666 & ~umask())
        # the log first: the corrected copy appears only with its log complete
        for (path, _), tmp in reversed(list(zip(files, temps, strict=True))):
            os.replace(tmp, path)
            placed.append(path)
    except OSError as exc:
        for written in [*temps, *placed]:
            written.unlink(missing_ok=True)
        where = exc.filename or files[0][0]
        raise FixError(
            f"the corrected copy could not be written to {where}: {exc.strerror or exc}; "
            "make the folder writable or name another --out/--log"
        ) from exc
    except BaseException:
        for written in [*temps, *placed]:
            written.unlink(missing_ok=True)
        raise
