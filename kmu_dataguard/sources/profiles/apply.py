"""Applying a profile's entity mapping (or an ad hoc ``--map``) to a frame of text columns.

Headers are matched case- and space-insensitively. Both :func:`apply_mapping` and
:func:`rename_columns` record in ``frame.attrs["source_headers"]`` which header of the file
each canonical column came from, so that the report can name the file's own header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from kmu_dataguard.entities import CANONICAL
from kmu_dataguard.errors import ConfigError, SourceError
from kmu_dataguard.sources.profiles.model import ComputedRule, EntityMapping

__all__ = ["apply_mapping", "check_rename", "normalize_number", "rename_columns"]


def _norm_header(name: str) -> str:
    return " ".join(str(name).split()).casefold()


_NUMBER_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")


def normalize_number(value: str | None, decimal: str = "auto") -> str | None:
    """Turn "1.234,50" / "1,234.50" / "12,5" / "19 %" into "1234.50" / "1234.50" / "12.5" / "19".

    ``decimal`` is the decimal separator: "comma", "point" or "auto" (the last separator when
    both occur; a single "," or "." with other digits is taken as decimal separator; the same
    separator repeated is a thousands separator). Values that are no number are returned as
    they are, so the validation can report them.
    """
    if value is None:
        return None
    text = value.strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    text = text.removesuffix("%").removesuffix("€").removeprefix("€")
    if not text:
        return value
    sign = ""
    if text[0] in "+-":
        sign, text = ("-" if text[0] == "-" else ""), text[1:]
    if decimal == "comma":
        text = text.replace(".", "").replace(",", ".")
    elif decimal == "point":
        text = text.replace(",", "")
    else:
        commas, points = text.count(","), text.count(".")
        if commas and points:
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        elif commas > 1:
            text = text.replace(",", "")
        elif points > 1:
            text = text.replace(".", "")
        elif commas == 1:
            text = text.replace(",", ".")
    text = sign + text
    return text if _NUMBER_RE.match(text) else value


def apply_mapping(df: pd.DataFrame, mapping: EntityMapping, *, source_name: str) -> pd.DataFrame:
    """Return ``df`` with canonical columns derived per ``mapping``; other columns pass through.

    Canonical columns come first (in canonical order), then the unmapped source columns in their
    original order. A source column whose name collides with a derived canonical column is kept
    as ``<name>__source``. Split and computed columns keep their source columns. Raises
    :class:`SourceError` when a mapped column is missing.
    """
    by_norm: dict[str, str] = {}
    for col in df.columns:
        by_norm.setdefault(_norm_header(col), col)
    present = ", ".join(str(c) for c in df.columns) or "(none)"

    def find(variants: Sequence[str]) -> str | None:
        for variant in variants:
            hit = by_norm.get(_norm_header(variant))
            if hit is not None:
                return hit
        return None

    derived: dict[str, pd.Series] = {}
    used: set[str] = set()
    missing_optional: list[str] = []
    # canonical column -> the file's header it came from, so the steward sees "PLZ"
    headers: dict[str, str] = {}
    for target, variants in mapping.columns.items():
        col = find(variants)
        if col is None:
            if target in mapping.optional:
                missing_optional.append(target)
                continue
            wanted = " / ".join(repr(v) for v in variants)
            raise SourceError(
                f"column {wanted} (for {target}) not in {source_name}; columns present: {present}"
            )
        derived[target] = df[col]
        headers[target] = str(col)
        used.add(col)

    for rule in mapping.split:
        col = find(rule.sources)
        if col is None:
            if all(t in mapping.optional for t in rule.targets):
                missing_optional.extend(rule.targets)
                continue
            wanted = " / ".join(repr(v) for v in rule.sources)
            raise SourceError(
                f"column {wanted} (for {', '.join(rule.targets)}) not in {source_name}; "
                f"columns present: {present}"
            )
        parts = df[col].astype(object).where(df[col].notna(), None)
        extracted = parts.map(lambda v, rx=rule.pattern: _split_value(v, rx))
        for target in rule.targets:
            derived[target] = extracted.map(lambda d, t=target: d.get(t) if d else None)
            headers[target] = str(col)  # the value is corrected in the combined column
        # The combined column stays (a value the pattern did not match is still visible there).

    for rule in mapping.computed:
        found = [find((s,)) for s in rule.sources]
        if all(col is None for col in found):
            if rule.target in mapping.optional:
                missing_optional.append(rule.target)
                continue
            wanted = " / ".join(repr(v) for v in rule.sources)
            raise SourceError(
                f"none of the columns {wanted} (for {rule.target}) is in {source_name}; "
                f"columns present: {present}"
            )
        # The source columns stay, as for split: the person's names remain visible.
        derived[rule.target] = _compute(df, rule, found, mapping.null_values)

    null_values = {v.strip() for v in mapping.null_values}
    order = [c for c in CANONICAL[mapping.entity] if c in derived]
    out: dict[str, pd.Series] = {}
    for target in order:
        series = derived[target].astype(object)
        if target in mapping.numeric:
            series = series.map(
                lambda v: None if v is None else normalize_number(str(v), mapping.decimal)
            )
        out[target] = series
    for col in df.columns:
        if col in used:
            continue
        name = f"{col}__source" if col in derived else col
        out[name] = df[col].astype(object)

    if null_values:
        for name, series in out.items():
            is_null = series.map(lambda v: isinstance(v, str) and v.strip() in null_values)
            out[name] = series.where(~is_null.astype(bool), None)
    result = pd.DataFrame(out, index=df.index, dtype=object)
    result = result.where(result.notna(), None)
    result.attrs = dict(df.attrs)
    result.attrs["missing_optional"] = missing_optional
    result.attrs["source_headers"] = headers
    return result


def check_rename(rename: Mapping[str, str], entity: str | None) -> dict[str, str]:
    """Validate an ad hoc mapping ``{source header: canonical column}`` before anything is read.

    The canonical names are checked against ``entity`` (when known); two headers onto one
    column are refused. Raises :class:`ConfigError`.
    """
    result: dict[str, str] = {}
    seen: dict[str, str] = {}
    for header, target in rename.items():
        header, target = str(header).strip(), str(target).strip()
        if not header or not target:
            raise ConfigError(
                f"--map: {header or '(empty)'}={target or '(empty)'}: write HEADER=column, "
                'e.g. --map "PLZ=postal_code"'
            )
        if entity in CANONICAL and target not in CANONICAL[entity]:
            raise ConfigError(
                f"--map: {target!r} (for {header!r}) is not a column of {entity}; "
                f"use one of {', '.join(CANONICAL[entity])}"
            )
        if target in seen:
            raise ConfigError(
                f"--map: {seen[target]!r} and {header!r} both map onto {target!r}; keep one"
            )
        seen[target] = header
        result[header] = target
    return result


def rename_columns(
    df: pd.DataFrame, rename: Mapping[str, str], *, source_name: str
) -> pd.DataFrame:
    """Rename source headers (matched case/space-insensitively) onto canonical columns.

    A source column already named like a target is kept as ``<name>__source``. Raises
    :class:`ConfigError` naming the file's headers when a header is not in the file.
    """
    by_norm: dict[str, str] = {}
    for col in df.columns:
        by_norm.setdefault(_norm_header(col), col)
    names: dict[str, str] = {}
    for header, target in rename.items():
        col = by_norm.get(_norm_header(header))
        if col is None:
            present = ", ".join(str(c) for c in df.columns) or "(none)"
            raise ConfigError(
                f"{source_name}: --map: column {header!r} is not in the file; "
                f"the file has: {present}"
            )
        names[col] = target
    targets = set(names.values())
    out = df.rename(columns=lambda c: names.get(c, f"{c}__source" if c in targets else c))
    out.attrs = dict(df.attrs)
    out.attrs["source_headers"] = {target: str(col) for col, target in names.items()}
    return out


def _compute(
    df: pd.DataFrame, rule: ComputedRule, found: list[str | None], null_values: Sequence[str]
) -> pd.Series:
    """First non-empty of ``first_of``, else ``else_join`` joined; None when all are empty."""
    empty = {""} | {v.strip() for v in null_values}

    def cell(v: Any) -> str | None:
        if v is None or v != v:  # None or NaN
            return None
        text = str(v).strip()
        return None if text in empty else text

    def cells(col: str | None) -> list[str | None]:
        return [None] * len(df) if col is None else [cell(v) for v in df[col]]

    first = [cells(c) for c in found[: len(rule.first_of)]]
    joined = [cells(c) for c in found[len(rule.first_of) :]]
    values: list[str | None] = []
    for i in range(len(df)):
        value = next((column[i] for column in first if column[i] is not None), None)
        if value is None:
            parts = [column[i] for column in joined if column[i] is not None]
            value = rule.sep.join(parts) or None
        values.append(value)
    return pd.Series(values, index=df.index, dtype=object)


def _split_value(value: Any, pattern: re.Pattern[str]) -> dict[str, str | None] | None:
    if value is None:
        return None
    match = pattern.match(str(value).strip())
    if match is None:
        return None
    return {
        k: (v.strip() or None) if isinstance(v, str) else None for k, v in match.groupdict().items()
    }
