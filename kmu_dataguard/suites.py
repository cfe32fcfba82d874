"""Expectation suites: finding them (built-in and the user's) and reading their files.

A suite is a Great Expectations 1.x suite JSON file named ``<suite>.json``. The user's folders
come first, so a user's ``customers.json`` overrides the built-in one. This module only reads
and checks the file's shape; turning it into GX objects is the engine adapter's job.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kmu_dataguard.errors import SuiteError
from kmu_dataguard.paths import builtin_dir
from kmu_dataguard.results import Severity

__all__ = ["ExpectationSpec", "OverrideError", "SuiteCatalog", "SuiteSpec", "apply_overrides"]


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation as written in a suite file, with a stable id for outputs."""

    id: str
    type: str
    kwargs: dict[str, Any]
    severity: Severity
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def column(self) -> str | None:
        column = self.kwargs.get("column")
        if column is None and "column_A" in self.kwargs:
            column = f"{self.kwargs['column_A']},{self.kwargs.get('column_B')}"
        if column is None and "column_list" in self.kwargs:
            column = ",".join(map(str, self.kwargs["column_list"]))
        return None if column is None else str(column)

    def columns(self) -> list[str]:
        """Every column this expectation reads (to check they exist, or to fetch them)."""
        names = [self.kwargs.get(k) for k in ("column", "column_A", "column_B")]
        names += list(self.kwargs.get("column_list") or [])
        return [str(n) for n in names if n]


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    path: Path
    description: dict[str, str]
    expectations: tuple[ExpectationSpec, ...]
    builtin: bool
    meta: dict[str, Any] = field(default_factory=dict)


class OverrideError(SuiteError):
    """An override that does not fit the suite; ``where`` is its key path below ``overrides``."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)
        self.where = where
        self.problem = problem


#: The keys of one override (``checks.<name>.overrides.<id>`` in dataguard.yml).
OVERRIDE_KEYS = ("severity", "mostly", "enabled", "when")


def apply_overrides(spec: SuiteSpec, overrides: Mapping[str, Mapping[str, Any]]) -> SuiteSpec:
    """The suite as a check runs it: ``overrides`` maps an expectation id to the keys it sets.

    ``severity`` replaces the suite's, ``mostly`` becomes the expectation's GX ``mostly``,
    ``enabled: false`` drops the expectation, ``when`` (see :mod:`kmu_dataguard.conditions`)
    limits it to the rows where the condition holds, together with a condition the suite
    already gives. Each changed expectation records what was set in ``meta["overridden"]``, so
    outputs can show it. Every problem is a SuiteError naming the id; nothing is modified.
    """
    from kmu_dataguard.conditions import GRAMMAR, ConditionSyntaxError, parse_when

    if not overrides:
        return spec
    known = {e.id for e in spec.expectations}
    for ident, given in overrides.items():
        if ident not in known:
            raise OverrideError(
                ident,
                f"no expectation with this id in suite {spec.name!r} "
                f"(ids: {', '.join(e.id for e in spec.expectations)})",
            )
        unknown = sorted(set(given) - set(OVERRIDE_KEYS))
        if unknown:
            raise OverrideError(
                f"{ident}.{unknown[0]}", f"unknown key; expected one of: {', '.join(OVERRIDE_KEYS)}"
            )
    kept: list[ExpectationSpec] = []
    for exp in spec.expectations:
        given = overrides.get(exp.id) or {}
        if given.get("enabled") is False:
            continue
        changed = {k: v for k, v in given.items() if k != "enabled" and v is not None}
        if not changed:
            kept.append(exp)
            continue
        kwargs = dict(exp.kwargs)
        if "mostly" in changed:
            kwargs["mostly"] = changed["mostly"]
        if "when" in changed:
            try:
                condition = parse_when(str(changed["when"]))
            except ConditionSyntaxError as exc:
                raise OverrideError(f"{exp.id}.when", f"{exc} (allowed: {GRAMMAR})") from None
            kwargs["row_condition"] = _both(exp, kwargs.get("row_condition"), condition)
        severity = Severity(changed.get("severity", exp.severity))
        meta = {**exp.meta, "overridden": changed}
        kept.append(replace(exp, kwargs=kwargs, severity=severity, meta=meta))
    if not kept:
        raise OverrideError("", f"every expectation of suite {spec.name!r} is disabled")
    return replace(spec, expectations=tuple(kept))


def _both(exp: ExpectationSpec, present: Any, added: dict[str, Any]) -> dict[str, Any]:
    """The suite's own structured row condition and the override's, joined with AND."""
    if present is None:
        return added
    kinds = ("comparison", "nullity", "and")
    if (
        not isinstance(present, dict)
        or present.get("type") not in kinds
        or (exp.kwargs.get("condition_parser") is not None)
    ):
        raise OverrideError(
            f"{exp.id}.when",
            "the suite gives this expectation a row condition that 'when' cannot be joined "
            "with; copy the expectation into your own suite instead",
        )
    parts = [present] if present["type"] != "and" else list(present["conditions"])
    added_parts = [added] if added["type"] != "and" else list(added["conditions"])
    return {"type": "and", "conditions": [*parts, *added_parts]}


class SuiteCatalog:
    """The suites available: the user's folders first, then the built-in ones."""

    def __init__(self, user_dirs: Iterable[Path] = ()) -> None:
        self._builtin = builtin_dir("expectations")
        self._dirs = [*user_dirs, self._builtin]

    def _find(self, name: str) -> Path | None:
        # A path to a suite file is accepted too, for ad-hoc checks.
        direct = Path(name)
        if direct.suffix == ".json" and _is_file(direct):
            return direct
        for folder in self._dirs:
            candidate = folder / f"{name}.json"
            if _is_file(candidate):
                return candidate
        return None

    def has(self, name: str) -> bool:
        return self._find(name) is not None

    def names(self) -> list[str]:
        found: set[str] = set()
        for folder in self._dirs:
            if folder.is_dir():
                found |= {p.stem for p in folder.glob("*.json")}
        return sorted(found)

    def load(self, name: str) -> SuiteSpec:
        path = self._find(name)
        if path is None:
            known = ", ".join(self.names()) or "none"
            raise SuiteError(f"no suite named {name!r} (suites available: {known})")
        return read_suite_file(path, builtin=path.parent == self._builtin)

    def all(self) -> list[SuiteSpec]:
        return [self.load(n) for n in self.names()]


def _is_file(path: Path) -> bool:
    """Path.is_file, False also for a name the system cannot even look up (too long)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def read_suite_file(path: Path, *, builtin: bool = False) -> SuiteSpec:
    """Read and check the shape of one suite file; every problem is a one-line SuiteError."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SuiteError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError(f"{path}: cannot read suite file ({exc})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("expectations"), list):
        raise SuiteError(f"{path}: expected a JSON object with an 'expectations' list")
    name = raw.get("name") or path.stem
    meta = raw.get("meta") if isinstance(raw.get("meta"), dict) else {}
    description = _texts(meta.get("description"))

    specs: list[ExpectationSpec] = []
    seen: set[str] = set()
    for i, item in enumerate(raw["expectations"]):
        where = f"{path}: expectations[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise SuiteError(f"{where}: each expectation needs a 'type'")
        kwargs = item.get("kwargs", {})
        item_meta = item.get("meta") or {}
        if not isinstance(kwargs, dict) or not isinstance(item_meta, dict):
            raise SuiteError(f"{where} ({item['type']}): 'kwargs' and 'meta' must be objects")
        severity = item.get("severity", "critical")
        if severity not in (Severity.CRITICAL, Severity.WARNING):
            raise SuiteError(
                f"{where} ({item['type']}): severity must be 'critical' or 'warning', "
                f"not {severity!r}"
            )
        base = str(item_meta.get("id") or _default_id(item["type"], kwargs))
        ident, n = base, 2
        while ident in seen:
            ident, n = f"{base}#{n}", n + 1
        seen.add(ident)
        specs.append(
            ExpectationSpec(
                id=ident,
                type=item["type"],
                kwargs=kwargs,
                severity=Severity(severity),
                meta=item_meta,
            )
        )
    if not specs:
        # An empty suite would let a gate pass without checking anything.
        raise SuiteError(f"{path}: the suite has no expectations")
    return SuiteSpec(
        name=str(name),
        path=path,
        description=description,
        expectations=tuple(specs),
        builtin=builtin,
        meta=meta,
    )


def _texts(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, str):
        return {"en": value}
    return {}


def _default_id(type_: str, kwargs: dict[str, Any]) -> str:
    short = type_.removeprefix("expect_").removeprefix("column_values_to_")
    column = kwargs.get("column") or kwargs.get("column_A") or "table"
    return f"{column}.{short}"
