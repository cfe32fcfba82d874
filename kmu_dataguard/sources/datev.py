"""Read DATEV "Debitoren/Kreditoren" exports (EXTF/DTVF, data category 16, format version 5).

File layout (``;``-separated, usually Windows-1252, text fields in double quotes)::

    line 1  metadata header: "EXTF";700;16;"Debitoren/Kreditoren";5;<created>;...
    line 2  column titles (informative only: tools spell them differently)
    line 3… one record per person account (debtor or creditor)

Metadata fields used (1-based): 1 format flag EXTF/DTVF, 2 version, 3 data category, 4 format name,
5 format version, 6 created (YYYYMMDDHHMMSSfff), 11 consultant number (Beraternummer),
12 client number (Mandantennummer), 13 fiscal year start (YYYYMMDD), 14 G/L account length
(Sachkontenlänge).

Record fields are mapped BY POSITION (titles only produce warnings when they look different).
Positions follow the DATEV "Debitoren/Kreditoren" format description (DATEV developer portal,
Formatbeschreibung "Debitoren/Kreditoren", 254 fields), as implemented by the open-source
writers ledermann/datev (lib/datev/base/contact.rb, fields 1-243 with DATEV's numbering) and
independent Go/Python EXTF writers that list all 254 titles in the same order:

     1 Konto                              16 Straße            29 Telefon
     2 Name (Adressatentyp Unternehmen)   17 Postfach          33 E-Mail
     3 Unternehmensgegenstand             18 Postleitzahl      41 Bankleitzahl 1
     4 Name (Adressatentyp natürl. Person) 19 Ort              42 Bankbezeichnung 1
     5 Vorname (Adressatentyp natürl. P.) 20 Land             43 Bank-Kontonummer 1
     6 Name (Adressatentyp keine Angabe)  99 Kundennummer      44 Länderkennzeichen 1
     7 Adressatentyp (0/1/2)             100 Steuernummer      45 IBAN-Nr. 1 / IBAN 1
     8 Kurzbezeichnung                   110 Fälligkeit in Tagen (Debitor)
     9 EU-Land / EU-Mitgliedstaat        112 Kreditoren-Ziel 1 (Tage)
    10 EU-UStID / EU-USt-IdNr.            47 SWIFT-Code 1
    11 Anrede                            235 Zahlungssperre bis (TTMMJJJJ)
                                         245 Status (0 aktiv, 1 inaktiv)

Debtors and creditors share one file; they are told apart by account range. With G/L account
length L (header field 14) person accounts have L+1 digits: debtors 10^L … 7·10^L−1, creditors
7·10^L … 10^(L+1)−1 (L=4: 10000–69999 and 70000–99999).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from kmu_dataguard.errors import SourceError
from kmu_dataguard.sources._common import open_binary_head, out_of_memory_as_error, printable
from kmu_dataguard.sources._text import (
    bounded_lines,
    csv_field_limit,
    field_too_long,
    undecodable,
)
from kmu_dataguard.sources.datev_export import DATEV_FIELDS, DatevExport, DatevMeta, account_ranges
from kmu_dataguard.sources.delimited import detect_encoding
from kmu_dataguard.sources.limits import DEFAULT_LIMITS, Limits, limit_exceeded, number

__all__ = ["DATEV_FIELDS", "DatevExport", "DatevMeta", "account_ranges", "read_datev"]

CATEGORY_DEBITOREN_KREDITOREN = 16
_SAMPLE_BYTES = 256 * 1024  # for encoding detection; the file itself is streamed


def _norm_title(title: str) -> str:
    text = title.casefold().replace("adressattyp", "adressatentyp").replace("ß", "ss")
    text = text.replace("natürliche", "natürl").replace("mitgliedstaat", "land")
    return re.sub(r"[^0-9a-zäöü]", "", text)


def _parse_created(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    digits = raw.strip()
    try:
        base = dt.datetime.strptime(digits[:14], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    millis = digits[14:17]
    return base.replace(microsecond=int(millis) * 1000) if millis.isdigit() else base


def _parse_meta(fields: Sequence[str], source: str, warnings: list[str]) -> DatevMeta:
    def get(position: int) -> str | None:
        value = fields[position - 1].strip() if position <= len(fields) else ""
        return value or None

    flag = get(1)
    if flag not in ("EXTF", "DTVF"):
        found = (flag or "")[:40]
        raise SourceError(
            f'{source}: is not a DATEV export: line 1 starts with {found!r}, expected "EXTF" '
            'or "DTVF"; export Debitoren/Kreditoren in DATEV format or read it as plain CSV'
        )
    category_raw = get(3)
    name = get(4) or ""
    if category_raw != str(CATEGORY_DEBITOREN_KREDITOREN):
        category = printable(category_raw)
        raise SourceError(
            f"{source}: is a DATEV {name or 'export'!r} file (data category {category}), not "
            "'Debitoren/Kreditoren' (category 16); export the Debitoren/Kreditoren master data"
        )
    if get(5) and get(5) != "5":
        warnings.append(
            f"{source}: format version {printable(get(5))} (expected 5); fields read by position"
        )

    fiscal_raw = get(13)
    fiscal: dt.date | None = None
    if fiscal_raw:
        try:
            fiscal = dt.datetime.strptime(fiscal_raw, "%Y%m%d").date()
        except ValueError:
            warnings.append(f"{source}: line 1 field 13 (WJ-Beginn) {fiscal_raw!r} is no YYYYMMDD")

    length_raw = get(14)
    if length_raw is None:
        account_length = 4
        warnings.append(f"{source}: line 1 field 14 (Sachkontenlänge) is empty; assuming 4")
    elif length_raw.isdigit() and 4 <= int(length_raw) <= 9:
        account_length = int(length_raw)
    else:
        raise SourceError(
            f"{source}: line 1 field 14 (Sachkontenlänge) is {length_raw!r}, expected a number "
            "4-9; fix the export settings (G/L account length)"
        )
    return DatevMeta(
        format_flag=flag,
        version=get(2) or "",
        category=CATEGORY_DEBITOREN_KREDITOREN,
        format_name=name,
        format_version=get(5) or "",
        created=_parse_created(get(6)),
        consultant=get(11),
        client=get(12),
        fiscal_year_start=fiscal,
        account_length=account_length,
    )


def _check_titles(titles: list[str], source: str, warnings: list[str]) -> None:
    for position, variants in DATEV_FIELDS.items():
        if position > len(titles):
            continue
        title = titles[position - 1]
        if not title:
            continue
        if _norm_title(title) not in {_norm_title(v) for v in variants}:
            warnings.append(
                f"{source}: line 2 column {position} is titled {title!r}, expected "
                f"{variants[0]!r}; the value is read by position"
            )


def read_datev(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> DatevExport:
    """Parse a DATEV Debitoren/Kreditoren export; see the module doc for the layout."""
    p = Path(path)
    source = str(path)
    with out_of_memory_as_error(source):
        head = open_binary_head(p, _SAMPLE_BYTES, limits)
        if not head.strip():
            raise SourceError(
                f"{source}: file is empty; export the Debitoren/Kreditoren data again"
            )
        if encoding is None:
            encoding, _ = detect_encoding(head, source)
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise SourceError(f"{source}: unknown encoding {encoding!r}") from exc
        try:
            return _parse(p, source, encoding, limits)
        except UnicodeError as exc:
            if codecs.lookup(encoding).name == "cp1252":
                raise _decode_error(source, encoding, exc) from exc
        # The sample may have been pure ASCII; DATEV files without BOM are Windows-1252.
        try:
            return _parse(p, source, "cp1252", limits)
        except UnicodeError as exc:
            raise _decode_error(source, encoding, exc) from exc


def _decode_error(source: str, encoding: str, exc: UnicodeError) -> SourceError:
    if not isinstance(exc, UnicodeDecodeError):
        return undecodable(source, encoding, exc)
    return SourceError(
        f"{source}: byte 0x{exc.object[exc.start]:02x} is neither valid {encoding} nor "
        "Windows-1252 (binary content or mixed encodings?); export the file again from DATEV"
    )


def _parse(p: Path, source: str, encoding: str, limits: Limits) -> DatevExport:
    """One streaming pass over the file as ``encoding``; a UnicodeDecodeError is the caller's."""
    warnings: list[str] = []
    with (
        csv_field_limit(limits.max_field_bytes),
        p.open("r", encoding=encoding, newline="") as fh,
    ):
        lines = _without_bom(bounded_lines(fh, source, limits))
        reader = csv.reader(lines, delimiter=";", quotechar='"', strict=True)
        try:
            meta_fields = next(reader, None)
            if meta_fields is None:
                raise SourceError(f"{source}: file is empty; export the data again")
            meta = _parse_meta(meta_fields, source, warnings)
            titles = [t.strip() for t in next(reader, [])]
            if not titles or not any(titles):
                raise SourceError(
                    f"{source}: line 2 (column titles) is missing; export the file again from "
                    "DATEV or the accounting software"
                )
            _check_titles(titles, source, warnings)
            records = _records(reader, source, limits)
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise field_too_long(source, reader.line_num, limits) from exc
            raise SourceError(f"{source}: line {reader.line_num}: {exc}; fix the quoting") from exc

    export = DatevExport(path=p, meta=meta, titles=titles, records=records, warnings=warnings)
    for rec_line, account in export.unassigned():
        debtors, creditors = account_ranges(meta.account_length)
        warnings.append(
            f"{source}: line {rec_line}: account {account!r} is neither a debtor "
            f"({debtors.start}-{debtors.stop - 1}) nor a creditor ({creditors.start}-"
            f"{creditors.stop - 1}) account for Sachkontenlänge {meta.account_length}; skipped"
        )
    return export


def _without_bom(lines: Iterator[str]) -> Iterator[str]:
    first = next(lines, None)
    if first is not None:
        yield first.removeprefix("\ufeff")
        yield from lines


def _records(
    reader: Any,  # a csv reader (its type is private to _csv)
    source: str,
    limits: Limits,
) -> list[tuple[int, list[str | None]]]:
    records: list[tuple[int, list[str | None]]] = []
    line = reader.line_num + 1
    for row in reader:
        if len(row) > limits.max_columns:
            raise limit_exceeded(
                source,
                f"line {line} has {number(len(row))} fields, more than "
                f"{number(limits.max_columns)}",
                "max_columns",
                "check the export (DATEV defines 254 fields)",
            )
        if any(cell.strip() for cell in row):
            records.append((line, [cell.strip() or None for cell in row]))
        line = reader.line_num + 1
    return records
