"""Loading connector profiles: finding the file, checking every key, building the model.

The format is in the package doc (:mod:`kmu_dataguard.sources.profiles`) and docs/profiles.md;
every problem is a :class:`ConfigError` naming the file and the key path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kmu_dataguard.entities import CANONICAL
from kmu_dataguard.errors import ConfigError, one_line
from kmu_dataguard.paths import builtin_dir
from kmu_dataguard.sources.profiles.model import (
    KINDS,
    ComputedRule,
    EntityMapping,
    Profile,
    SplitRule,
)
from kmu_dataguard.yaml_safe import load_yaml_file

__all__ = ["list_profiles", "load_profile"]

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
