"""Connector profiles: how one system's export maps onto the canonical entities.

A profile is a YAML file named ``<name>.yml`` in the built-in ``connectors/`` folder or in a user
folder (user folders override built-ins by name)::

    name: hubspot
    title: HubSpot CRM (CSV export of contacts/companies)
    kind: file                 # file | datev | sql
    docs: [https://...]        # optional: where the column names come from
    notes: ...                 # optional
    entities:
      contacts:
        key: contact_id
        columns:               # canonical column: one header or a list of accepted variants
          contact_id: ["Record ID", "hs_object_id"]   # first present wins; case/space-insensitive
        optional: [phone]      # canonical columns that may be missing from the export
        null_values: ["/", "-"]   # values treated as empty (compared after trimming)
        numeric: [net_price]      # "1.234,50" -> "1234.50"
        decimal: auto             # auto | comma | point: the decimal separator of numeric columns
        split:                 # one combined field into canonical ones (regex named groups)
          - from: ["PLZ Ort", "PLZ/Ort"]
            pattern: '^(?P<postal_code>\\d{4,5})\\s+(?P<city>.+)$'
        computed:              # one canonical column from several source columns
          name: {first_of: [Firmenname], else_join: [Vorname, Nachname], sep: " "}

A computed column takes the first non-empty value of ``first_of``; when all of them are empty
(or absent from the export) it joins the non-empty values of ``else_join`` with ``sep``
(default one space). The full reference with examples is docs/profiles.md.

``kind: sql`` entities carry ``query: <SQL text>`` (not interpreted here) and may rename result
columns with ``columns``; ``kind: datev`` entities are read with :func:`read_datev` and need no
``columns``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kmu_dataguard.entities import CANONICAL
from kmu_dataguard.errors import ConfigError, SourceError, one_line
from kmu_dataguard.paths import builtin_dir
from kmu_dataguard.yaml_safe import load_yaml_file

__all__ = [
    "CANONICAL",
    "KINDS",
    "ComputedRule",
    "EntityMapping",
    "Profile",
    "SplitRule",
    "apply_mapping",
    "check_rename",
    "list_profiles",
    "load_profile",
    "normalize_number",
    "rename_columns",
]

KINDS = ("file", "datev", "sql")
_DECIMALS = ("auto", "comma", "point")
_PROFILE_KEYS = {"name", "title", "kind", "entities", "docs", "notes"}
_ENTITY_KEYS = {
    "key",
    "columns",
    "optional",
    "null_values",
    "numeric",
    "decimal",
    "split",
    "computed",
    "query",
}
_SPLIT_KEYS = {"from", "pattern"}
_COMPUTED_KEYS = {"first_of", "else_join", "sep"}
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


@dataclass(frozen=True)
class SplitRule:
    """Split one source column into canonical columns with a regex of named groups."""

    sources: tuple[str, ...]  # accepted header variants of the combined column
    pattern: re.Pattern[str]

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(self.pattern.groupindex)


@dataclass(frozen=True)
class ComputedRule:
    """One canonical column computed from several source columns.

    The first non-empty value of ``first_of``; when there is none, the non-empty values of
    ``else_join`` joined with ``sep``; else empty. Headers absent from the export count as empty.
    """

    target: str
    first_of: tuple[str, ...] = ()
    else_join: tuple[str, ...] = ()
    sep: str = " "

    @property
    def sources(self) -> tuple[str, ...]:
        return self.first_of + self.else_join


@dataclass(frozen=True)
class EntityMapping:
    """How one canonical entity is read from a system's export."""

    entity: str
    key: str | None = None
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()
    null_values: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    decimal: str = "auto"
    split: tuple[SplitRule, ...] = ()
    computed: tuple[ComputedRule, ...] = ()
    query: str | None = None


@dataclass(frozen=True)
class Profile:
    """One connector profile (see the module doc for the YAML format)."""

    name: str
    title: str
    kind: str
    entities: Mapping[str, EntityMapping]
    path: Path | None = None
    docs: tuple[str, ...] = ()
    notes: str | None = None

    def entity(self, name: str) -> EntityMapping:
        """Return the mapping for ``name``; ConfigError when the profile has none."""
        try:
            return self.entities[name]
        except KeyError:
            raise ConfigError(
                f"{self.path or self.name}: profile {self.name!r} has no entity {name!r}; "
                f"it maps: {', '.join(self.entities) or 'nothing'}"
            ) from None


# --------------------------------------------------------------------------- loading


class _Checker:
    """Builds ConfigErrors that name the file and the key path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, what: str) -> ConfigError:
        # ``where`` is built from the file's keys, which may hold any character.
        return ConfigError(f"{self.path}: {one_line(where)}: {one_line(what)}")

    def mapping(self, value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(
                where or "(top level)", f"expected a mapping, got {type(value).__name__}"
            )
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            raise self.fail(
                f"{where}.{unknown[0]}" if where else unknown[0],
                f"unknown key; allowed: {', '.join(sorted(allowed))}",
            )
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"expected a non-empty string, got {value!r}")
        return value

    def texts(self, value: Any, where: str) -> tuple[str, ...]:
        """A string or a list of strings (the list may be empty)."""
        if isinstance(value, str):
            return (self.text(value, where),)
        if not isinstance(value, list):
            raise self.fail(where, f"expected a string or a list of strings, got {value!r}")
        return tuple(self.text(v, f"{where}[{i}]") for i, v in enumerate(value))


def _parse_entity(chk: _Checker, kind: str, entity: str, raw: Any, where: str) -> EntityMapping:
    data = chk.mapping(raw, where, _ENTITY_KEYS)
    canonical = CANONICAL[entity]

    def canonical_name(name: Any, at: str) -> str:
        text = chk.text(name, at)
        if text not in canonical:
            raise chk.fail(
                at, f"{text!r} is not a column of {entity}; use one of {', '.join(canonical)}"
            )
        return text

    columns: dict[str, tuple[str, ...]] = {}
    raw_columns = data.get("columns", {})
    if raw_columns is None:
        raw_columns = {}
    if not isinstance(raw_columns, dict):
        raise chk.fail(
            f"{where}.columns", "expected a mapping of canonical column: source header(s)"
        )
    for target, variants in raw_columns.items():
        at = f"{where}.columns.{target}"
        canonical_name(target, at)
        names = chk.texts(variants, at)
        if not names:
            raise chk.fail(at, "give at least one source column name")
        columns[str(target)] = names

    split: list[SplitRule] = []
    raw_split = data.get("split", [])
    if not isinstance(raw_split, list):
        raise chk.fail(f"{where}.split", "expected a list of {from: ..., pattern: ...}")
    for i, rule in enumerate(raw_split):
        at = f"{where}.split[{i}]"
        rule = chk.mapping(rule, at, _SPLIT_KEYS)
        if "from" not in rule or "pattern" not in rule:
            raise chk.fail(at, "needs both 'from' and 'pattern'")
        sources = chk.texts(rule["from"], f"{at}.from")
        try:
            pattern = re.compile(chk.text(rule["pattern"], f"{at}.pattern"))
        except re.error as exc:
            raise chk.fail(f"{at}.pattern", f"invalid regular expression ({exc})") from exc
        if not pattern.groupindex:
            raise chk.fail(f"{at}.pattern", "needs named groups like (?P<postal_code>...)")
        for target in pattern.groupindex:
            canonical_name(target, f"{at}.pattern")
            if target in columns:
                raise chk.fail(f"{at}.pattern", f"{target!r} is also mapped under columns")
        split.append(SplitRule(sources, pattern))

    computed = _parse_computed(chk, data.get("computed", {}), f"{where}.computed", canonical_name)
    for rule in computed:
        if rule.target in columns or any(rule.target in r.targets for r in split):
            raise chk.fail(
                f"{where}.computed.{rule.target}", "is also mapped under columns or split"
            )

    derived = set(columns) | {t for rule in split for t in rule.targets}
    derived |= {rule.target for rule in computed}
    key = None
    if "key" in data:
        key = canonical_name(data["key"], f"{where}.key")
        if kind == "file" and key not in derived:
            raise chk.fail(f"{where}.key", f"{key!r} is not mapped under columns")

    optional = frozenset(
        canonical_name(c, f"{where}.optional")
        for c in chk.texts(data.get("optional", []), f"{where}.optional")
    )
    numeric = tuple(
        canonical_name(c, f"{where}.numeric")
        for c in chk.texts(data.get("numeric", []), f"{where}.numeric")
    )
    null_values = tuple(chk.texts(data.get("null_values", []), f"{where}.null_values"))
    decimal = chk.text(data.get("decimal", "auto"), f"{where}.decimal")
    if decimal not in _DECIMALS:
        raise chk.fail(f"{where}.decimal", f"{decimal!r}; use one of {', '.join(_DECIMALS)}")

    query = None
    if kind == "sql":
        if "query" not in data:
            raise chk.fail(f"{where}.query", "a sql profile needs a query per entity")
        query = chk.text(data["query"], f"{where}.query")
    elif "query" in data:
        raise chk.fail(
            f"{where}.query", f"only kind 'sql' takes a query (this profile is {kind!r})"
        )
    if kind == "file" and not columns and not computed:
        raise chk.fail(f"{where}.columns", "a file profile must map at least one column")
    if computed and kind != "file":
        raise chk.fail(f"{where}.computed", f"only kind 'file' takes computed (this is {kind!r})")
    if kind == "datev" and entity not in ("customers", "suppliers"):
        raise chk.fail(
            where, "a DATEV Debitoren/Kreditoren file holds customers and suppliers only"
        )

    return EntityMapping(
        entity=entity,
        key=key,
        columns=columns,
        optional=optional,
        null_values=null_values,
        numeric=numeric,
        decimal=decimal,
        split=tuple(split),
        computed=computed,
        query=query,
    )


def _parse_computed(
    chk: _Checker, raw: Any, where: str, canonical_name: Any
) -> tuple[ComputedRule, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise chk.fail(
            where, "expected a mapping of canonical column: {first_of: [...], else_join: [...]}"
        )
    rules = []
    for target, spec in raw.items():
        at = f"{where}.{target}"
        canonical_name(target, at)
        spec = chk.mapping(spec, at, _COMPUTED_KEYS)
        first_of = chk.texts(spec.get("first_of", []), f"{at}.first_of")
        else_join = chk.texts(spec.get("else_join", []), f"{at}.else_join")
        if not first_of and not else_join:
            raise chk.fail(at, "give first_of, else_join or both (lists of source columns)")
        sep = spec.get("sep", " ")
        if not isinstance(sep, str):
            raise chk.fail(f"{at}.sep", f'expected a string like " ", got {sep!r}')
        rules.append(ComputedRule(str(target), first_of, else_join, sep))
    return tuple(rules)


def _parse_profile(path: Path) -> Profile:
    raw = load_yaml_file(path, "connector profile")

    chk = _Checker(path)
    data = chk.mapping(raw, "", _PROFILE_KEYS)
    for required in ("name", "title", "kind", "entities"):
        if required not in data:
            raise chk.fail(required, "missing (required keys: name, title, kind, entities)")
    name = chk.text(data["name"], "name")
    if not _NAME_RE.match(name):
        raise chk.fail("name", f"{name!r}: use lower-case letters, digits, '_' and '-'")
    title = chk.text(data["title"], "title")
    kind = chk.text(data["kind"], "kind")
    if kind not in KINDS:
        raise chk.fail("kind", f"{kind!r}; use one of {', '.join(KINDS)}")
    raw_entities = data["entities"]
    if not isinstance(raw_entities, dict) or not raw_entities:
        raise chk.fail("entities", "expected a non-empty mapping of entity: mapping")
    entities: dict[str, EntityMapping] = {}
    for entity, raw_entity in raw_entities.items():
        if entity not in CANONICAL:
            raise chk.fail(
                f"entities.{entity}", f"unknown entity; use one of {', '.join(CANONICAL)}"
            )
        entities[entity] = _parse_entity(chk, kind, entity, raw_entity, f"entities.{entity}")
    docs = chk.texts(data.get("docs", []), "docs")
    notes = chk.text(data["notes"], "notes") if data.get("notes") is not None else None
    return Profile(name, title, kind, entities, path.resolve(), docs, notes)


def _search_dirs(user_dirs: Iterable[str | os.PathLike[str]]) -> list[Path]:
    return [Path(d) for d in user_dirs] + [builtin_dir("connectors")]


def _profile_files(user_dirs: Iterable[str | os.PathLike[str]]) -> dict[str, Path]:
    """name → file, user folders first (earlier folders win), built-ins last."""
    found: dict[str, Path] = {}
    for folder in _search_dirs(user_dirs):
        if not folder.is_dir():
            continue
        for file in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
            found.setdefault(file.stem, file)
    return found


def load_profile(
    name_or_path: str | os.PathLike[str], user_dirs: Sequence[str | os.PathLike[str]] = ()
) -> Profile:
    """Load a profile by name (user folders first, then built-ins) or from a YAML file path.

    Raises :class:`ConfigError` naming the file and the key path for anything unknown or wrong.
    """
    text = os.fspath(name_or_path)
    looks_like_path = (
        isinstance(name_or_path, os.PathLike)
        or text.endswith((".yml", ".yaml"))
        or os.sep in text
        or "/" in text
    )
    if looks_like_path:
        return _parse_profile(Path(text))
    for user_dir in user_dirs:
        if not Path(user_dir).is_dir():
            raise ConfigError(f"{user_dir}: profile folder does not exist")
    files = _profile_files(user_dirs)
    if text not in files:
        raise ConfigError(
            f"connector profile {text!r} not found; available: {', '.join(sorted(files)) or 'none'}"
            f" (folders searched: {', '.join(str(d) for d in _search_dirs(user_dirs))})"
        )
    profile = _parse_profile(files[text])
    if profile.name != text:
        raise ConfigError(
            f"{files[text]}: name: {profile.name!r} does not match the file name {text!r}; "
            "make them equal"
        )
    return profile


def list_profiles(user_dirs: Sequence[str | os.PathLike[str]] = ()) -> list[Profile]:
    """All profiles visible with ``user_dirs`` (user ones override built-ins), sorted by name."""
    files = _profile_files(user_dirs)
    return [load_profile(name, user_dirs) for name in sorted(files)]


# --------------------------------------------------------------------------- applying


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
