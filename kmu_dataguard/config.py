"""``dataguard.yml``: the schema, strict loading and ``${ENV}`` interpolation.

A configuration names *sources* (a file or an SQLAlchemy URL), *checks* (a table of a source
validated with a suite, identified by a key column) and *gates* (named sets of checks that block
a workflow). Every problem is a :class:`ConfigError` (exit 2) naming the file and the key path.

Passwords belong in the environment (``url: postgresql://erp:${ERP_PASSWORD}@db/erp``); every
value taken from the environment and every URL password is remembered in ``Config.secrets`` so
that :func:`redact` can keep it out of messages.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictStr,
    ValidationError,
    model_validator,
)
from sqlalchemy.exc import ArgumentError

from kmu_dataguard.errors import ConfigError, one_line
from kmu_dataguard.sources.limits import DEFAULT_LIMITS, Limits
from kmu_dataguard.yaml_safe import load_yaml_file

if TYPE_CHECKING:
    from kmu_dataguard.sources.profiles import Profile
    from kmu_dataguard.suites import SuiteCatalog

__all__ = [
    "AgreeRule",
    "CheckConfig",
    "Config",
    "GateConfig",
    "LimitsConfig",
    "OverrideConfig",
    "ReferenceConfig",
    "SourceConfig",
    "build_config",
    "load_config",
    "redact",
    "safe_name",
    "url_passwords",
]

DEFAULT_CONFIG = "dataguard.yml"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")  # whole name: fullmatch, no trailing "\n"
MAX_NAME = 64  # names become file names (reports, JUnit) and must stay readable


def _refuse_bool(value: Any) -> Any:
    # pydantic takes True for 1 (and 1.0); a YAML "yes" for a number is a mistake.
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    return value


NoBool = BeforeValidator(_refuse_bool)


def _valid_age(value: str) -> str:
    """Reject an age that :func:`~kmu_dataguard.preconditions.parse_age` cannot read."""
    from kmu_dataguard.preconditions import parse_age

    parse_age(value)
    return value


#: An age such as ``26h``, ``2d``, ``90m`` (see ``preconditions.parse_age``).
Age = Annotated[str, AfterValidator(_valid_age)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceConfig(_Strict):
    """Where data lives: exactly one of ``path`` (a file) or ``url`` (SQLAlchemy).

    ``profile`` names the connector profile (connectors/*.yml) that maps the system's tables,
    files and columns onto the canonical entities; checks on such a source name an ``entity``.
    """

    path: str | None = None
    url: str | None = None
    profile: str | None = None
    format: Literal["csv", "excel", "datev"] | None = None
    sheet: str | int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    #: a file older than this (by its modification time) is an old export: ``26h``, ``2d``
    max_age: Age | None = None
    #: seconds after which the database server cancels a statement (none: the server's own)
    statement_timeout: Annotated[float | None, NoBool] = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_location(self) -> SourceConfig:
        if (self.path is None) == (self.url is None):
            raise ValueError("give exactly one of 'path' (a file) or 'url' (a database)")
        file_only = [
            k for k in ("encoding", "delimiter", "sheet", "format", "max_age") if getattr(self, k)
        ]
        if self.url is not None and file_only:
            raise ValueError(f"{', '.join(file_only)} apply to files, not to a 'url'")
        if self.path is not None and self.statement_timeout is not None:
            raise ValueError("statement_timeout applies to a database 'url', not to a file")
        return self

    @property
    def kind(self) -> Literal["file", "sql"]:
        return "file" if self.path is not None else "sql"


class FreshConfig(_Strict):
    """The newest value of ``column`` (a date or time) must be at most ``max_age`` old."""

    column: str
    max_age: Age


def _valid_when(value: str) -> str:
    """Reject a ``when`` that is not in the small grammar of ``conditions.parse_when``."""
    from kmu_dataguard.conditions import GRAMMAR, parse_when

    try:
        parse_when(value)
    except ValueError as exc:
        raise ValueError(f"{exc} (allowed: {GRAMMAR})") from None
    return value


class OverrideConfig(_Strict):
    """``checks.<name>.overrides.<expectation id>``: one rule of the suite, changed for this check.

    See ``suites.apply_overrides`` (how it is applied) and docs/overrides.md.
    """

    severity: Literal["critical", "warning"] | None = None
    #: GX's ``mostly``: pass when at least this share of the non-empty values pass
    mostly: Annotated[float, NoBool, Field(strict=True, gt=0, le=1)] | None = None
    enabled: StrictBool | None = None
    #: the expectation applies only to rows where this holds (``country == 'DE'``)
    when: Annotated[StrictStr, AfterValidator(_valid_when)] | None = None

    @model_validator(mode="after")
    def _something_set(self) -> OverrideConfig:
        if all(getattr(self, k) is None for k in type(self).model_fields):
            raise ValueError("an override needs severity, mostly, enabled or when")
        return self

    def given(self) -> dict[str, Any]:
        """The keys the file sets, for ``suites.apply_overrides``."""
        return {k: v for k in type(self).model_fields if (v := getattr(self, k)) is not None}


class CheckConfig(_Strict):
    """One table of one source, validated with one suite; ``key`` identifies its records.

    A check that reads no rows could not validate anything (exit 3) unless ``allow_empty``;
    ``min_rows`` and ``fresh`` catch truncated and outdated data the same way.
    """

    source: str
    suite: str | None = None
    entity: str | None = None
    table: str | None = None
    query: str | None = None
    key: str | None = None
    allow_empty: bool = False
    min_rows: Annotated[int | None, NoBool] = Field(default=None, ge=1)
    fresh: FreshConfig | None = None
    #: expectation id → what to change for this check (docs/overrides.md)
    overrides: dict[str, OverrideConfig] = Field(default_factory=dict)

    @property
    def suite_name(self) -> str:
        """The suite to run: named, or the built-in suite of the entity."""
        return self.suite or self.entity or ""

    def override_data(self) -> dict[str, dict[str, Any]]:
        """``overrides`` as plain data, only the keys the file sets."""
        return {ident: given.given() for ident, given in self.overrides.items()}

    @model_validator(mode="after")
    def _table_or_query(self) -> CheckConfig:
        if self.table is not None and self.query is not None:
            raise ValueError("give 'table' or 'query', not both")
        return self


class GateConfig(_Strict):
    checks: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    fail_on: Literal["critical", "warning"] = "critical"
    description: str | None = None

    @model_validator(mode="after")
    def _something_to_run(self) -> GateConfig:
        if not self.checks and not self.references:
            raise ValueError("a gate needs at least one entry in 'checks' or 'references'")
        return self


class ReferenceFrom(_Strict):
    """The referring side: a column of a check's table (``contacts.customer_id``)."""

    check: str
    column: str


class ReferenceTo(_Strict):
    """The referenced side; ``column`` defaults to the check's key."""

    check: str
    column: str | None = None


class AgreeRule(_Strict):
    """An attribute that must agree between a record and the record it references."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    compare: Literal["equal", "similar", "vat_id", "email_domain"] = "equal"
    threshold: Annotated[float | None, NoBool] = Field(default=None, gt=0, le=1)
    severity: Literal["critical", "warning"] | None = None

    @model_validator(mode="after")
    def _threshold_for_similar(self) -> AgreeRule:
        if self.threshold is not None and self.compare != "similar":
            raise ValueError("'threshold' applies to compare: similar only")
        return self


class ReferenceConfig(_Strict):
    """Records of one check must exist (and agree) in another check's table, across sources."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: ReferenceFrom = Field(alias="from")
    to: ReferenceTo
    severity: Literal["critical", "warning"] = "critical"
    allow_empty: bool = True
    agree: list[AgreeRule] = Field(default_factory=list)
    description: str | None = None


_Positive = Annotated[int, NoBool, Field(gt=0)]


class LimitsConfig(_Strict):
    """``limits:``: how much a file source may hold (see docs/input-limits.md)."""

    max_file_mb: _Positive = DEFAULT_LIMITS.max_file_mb
    max_columns: _Positive = DEFAULT_LIMITS.max_columns
    max_field_mb: _Positive = DEFAULT_LIMITS.max_field_mb
    max_xlsx_cells: _Positive = DEFAULT_LIMITS.max_xlsx_cells
    max_xlsx_uncompressed_mb: _Positive = DEFAULT_LIMITS.max_xlsx_uncompressed_mb
    max_xlsx_sheets: _Positive = DEFAULT_LIMITS.max_xlsx_sheets

    def to_limits(self) -> Limits:
        return Limits(**self.model_dump())


class Config(_Strict):
    version: Annotated[Literal[1], NoBool] = 1
    suites_dir: str | None = None
    connectors_dir: str | None = None
    report_dir: str | None = None
    report_keep: Annotated[int, NoBool] = Field(default=10, ge=1)
    lang: Literal["de", "en"] | None = None
    sources: dict[str, SourceConfig] = Field(default_factory=dict)
    checks: dict[str, CheckConfig] = Field(default_factory=dict)
    references: dict[str, ReferenceConfig] = Field(default_factory=dict)
    gates: dict[str, GateConfig] = Field(default_factory=dict)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)

    # Set by load_config, never by the file.
    _path: Path | None = PrivateAttr(default=None)
    _secrets: frozenset[str] = PrivateAttr(default=frozenset())

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def secrets(self) -> frozenset[str]:
        """Values taken from the environment and URL passwords: never print these."""
        return self._secrets | url_passwords(self)

    @property
    def base_dir(self) -> Path:
        """Relative paths in the file are relative to the file's folder."""
        return self.path.parent if self.path else Path.cwd()

    def resolve_path(self, value: str) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    def user_suite_dirs(self) -> list[Path]:
        return [self.resolve_path(self.suites_dir)] if self.suites_dir else []

    def user_profile_dirs(self) -> list[Path]:
        return [self.resolve_path(self.connectors_dir)] if self.connectors_dir else []

    def gate(self, name: str) -> GateConfig:
        try:
            return self.gates[name]
        except KeyError:
            known = ", ".join(sorted(self.gates)) or "none"
            raise ConfigError(
                f"{self._file}: no gate named {name!r} (gates defined: {known})"
            ) from None

    @property
    def _file(self) -> str:
        return str(self.path) if self.path else DEFAULT_CONFIG


def redact(text: str, secrets: frozenset[str] | set[str]) -> str:
    """Replace every known secret in ``text`` by ``***`` (longest first)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***")
    return text


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read, interpolate and validate a configuration file; check every cross-reference."""
    file = Path(path) if path is not None else Path(DEFAULT_CONFIG)
    raw = load_yaml_file(file, "configuration file")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{file}: expected a mapping of keys at the top level")

    secrets: set[str] = set()
    data = _interpolate(raw, secrets, file, ())
    return build_config(data, origin=file, secrets=secrets)


def build_config(data: dict[str, Any], *, origin: Path, secrets: set[str] | None = None) -> Config:
    """Validate a configuration given as data (a file's content, or built by `dataguard check`).

    ``origin`` names the file in messages and anchors relative paths.
    """
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        message = _describe_validation_error(origin, exc)
        raise ConfigError(redact(message, secrets or set())) from None
    config._path = origin.resolve()
    config._secrets = frozenset(secrets or ())
    _check_names(config, origin)
    _check_folders(config, origin)
    _check_urls(config)
    _check_references(config, origin)
    return config


def _interpolate(
    value: Any,
    secrets: set[str],
    file: Path,
    where: tuple[str, ...],
    done: dict[int, Any] | None = None,
) -> Any:
    """Replace ``${NAME}`` in every string; a node shared through YAML aliases is done once."""
    done = {} if done is None else done
    if isinstance(value, dict | list) and id(value) in done:
        return done[id(value)]
    if isinstance(value, dict):
        done[id(value)] = {
            k: _interpolate(v, secrets, file, (*where, str(k)), done) for k, v in value.items()
        }
        return done[id(value)]
    if isinstance(value, list):
        done[id(value)] = [
            _interpolate(v, secrets, file, (*where, str(i)), done) for i, v in enumerate(value)
        ]
        return done[id(value)]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        found = os.environ.get(name)
        if found is None:
            if default is None:
                raise ConfigError(
                    f"{file}: {'.'.join(where)}: environment variable {name} is not set "
                    f"(set it, or write ${{{name}:-default}})"
                )
            return default
        secrets.add(found)
        return found

    return _ENV_REF.sub(replace, value)


def url_passwords(config: Config) -> frozenset[str]:
    """The credentials written into the sources' URLs (after interpolation), in every spelling."""
    from kmu_dataguard._secrets import url_secrets

    found: set[str] = set()
    for source in config.sources.values():
        found |= url_secrets(source.url)
    return frozenset(found)


def _check_urls(config: Config) -> None:
    from sqlalchemy.engine import make_url

    for name, source in config.sources.items():
        if source.url is None:
            continue
        try:
            make_url(source.url)
        except (ArgumentError, ValueError):
            raise ConfigError(
                f"{config.path}: sources.{name}.url: not a valid SQLAlchemy URL "
                "(expected e.g. postgresql://user:${PASSWORD}@host/db or sqlite:///file.db)"
            ) from None


def _check_references(config: Config, file: Path) -> None:
    from kmu_dataguard.suites import SuiteCatalog

    catalog = SuiteCatalog(config.user_suite_dirs())
    profiles: dict[str, Profile] = {}
    for name, check in config.checks.items():
        where = f"{file}: checks.{name}"
        if check.source not in config.sources:
            known = ", ".join(sorted(config.sources)) or "none"
            raise ConfigError(
                f"{where}.source: no source named {check.source!r} (sources defined: {known})"
            )
        source = config.sources[check.source]
        if source.profile:
            if source.profile not in profiles:
                profiles[source.profile] = _load_profile(config, check.source, source.profile)
            _check_profiled(where, check, source, profiles[source.profile])
        elif check.entity is not None:
            raise ConfigError(
                f"{where}.entity: source {check.source!r} has no 'profile' to map entities with"
            )
        elif source.kind == "sql" and not (check.table or check.query):
            raise ConfigError(
                f"{where}: source {check.source!r} is a database; "
                "say which 'table' (or 'query') to check, or give the source a 'profile'"
            )
        elif source.kind == "file" and (check.table or check.query):
            raise ConfigError(
                f"{where}: source {check.source!r} is a file; "
                "'table' and 'query' apply to databases only"
            )
        if not check.suite_name:
            raise ConfigError(f"{where}.suite: required key is missing")
        if not catalog.has(check.suite_name):
            known = ", ".join(catalog.names()) or "none"
            raise ConfigError(
                f"{where}.suite: no suite named {check.suite_name!r} (suites available: {known})"
            )
        if check.overrides:
            _check_overrides(where, check, catalog)
    for name, reference in config.references.items():
        for side, target in (("from", reference.from_), ("to", reference.to)):
            if target.check not in config.checks:
                known = ", ".join(sorted(config.checks)) or "none"
                raise ConfigError(
                    f"{file}: references.{name}.{side}.check: no check named {target.check!r} "
                    f"(checks defined: {known})"
                )
        referenced = config.checks[reference.to.check]
        keyed = referenced.key or config.sources[referenced.source].profile
        if reference.to.column is None and not keyed:
            raise ConfigError(
                f"{file}: references.{name}.to.column: required, because check "
                f"{reference.to.check!r} names no 'key' to refer to"
            )
    for name, gate in config.gates.items():
        for i, check_name in enumerate(gate.checks):
            if check_name not in config.checks:
                known = ", ".join(sorted(config.checks)) or "none"
                raise ConfigError(
                    f"{file}: gates.{name}.checks.{i}: no check named {check_name!r} "
                    f"(checks defined: {known})"
                )
        for i, ref_name in enumerate(gate.references):
            if ref_name not in config.references:
                known = ", ".join(sorted(config.references)) or "none"
                raise ConfigError(
                    f"{file}: gates.{name}.references.{i}: no reference named {ref_name!r} "
                    f"(references defined: {known})"
                )


def _check_overrides(where: str, check: CheckConfig, catalog: SuiteCatalog) -> None:
    """Every override names an expectation of the check's suite and applies to it."""
    from dataclasses import replace

    from kmu_dataguard.errors import SuiteError
    from kmu_dataguard.suites import OverrideError, apply_overrides

    try:
        spec = catalog.load(check.suite_name)
    except SuiteError as exc:
        raise ConfigError(
            f"{where}.overrides: the suite cannot be read to apply them: {exc}"
        ) from None
    try:
        done = apply_overrides(spec, check.override_data())
    except OverrideError as exc:
        shown = one_line(exc.where)
        at = f".{shown if len(shown) <= 120 else shown[:120] + '…'}" if exc.where else ""
        raise ConfigError(f"{where}.overrides{at}: {exc.problem}") from None
    # Not every expectation takes `mostly` or a row condition: ask the engine (this imports
    # GX, so only when such an override is given).
    for exp in done.expectations:
        given = check.overrides.get(exp.id)
        if given is None or (given.mostly is None and given.when is None):
            continue
        from kmu_dataguard.engine import build_suite

        try:
            build_suite(replace(done, expectations=(exp,)))
        except SuiteError as exc:
            detail = str(exc).rsplit("cannot be loaded: ", 1)[-1]
            keys = " and ".join(k for k in ("mostly", "when") if getattr(given, k) is not None)
            raise ConfigError(
                f"{where}.overrides.{exp.id}: {exp.type} does not take {keys} ({detail}); "
                "remove it from this override"
            ) from None


_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def safe_name(text: str) -> str:
    """A valid check name made from any text (a file stem, a table): ASCII, at most MAX_NAME.

    German umlauts are transliterated (Ü → Ue, ß → ss), other accents dropped (é → e), every run
    of other characters becomes one '_'; never empty.
    """
    text = text.translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_.-")
    return text[:MAX_NAME].rstrip("_.-") or "input"


def _shown(name: object) -> str:
    """A user's key as it can appear in a one-line message (escaped, shortened)."""
    text = one_line(str(name))
    return text if len(text) <= 40 else text[:40] + "…"


def _check_names(config: Config, file: Path) -> None:
    for section in ("sources", "checks", "references", "gates"):
        for name in getattr(config, section):
            where = f"{file}: {section}.{_shown(name)}"
            if len(name) > MAX_NAME:
                raise ConfigError(
                    f"{where}: name of {len(name)} characters; use at most {MAX_NAME}"
                )
            if not _NAME.fullmatch(name):
                raise ConfigError(
                    f"{where}: names may use letters, digits, '_', '-' and '.' "
                    "(not '.' or '-' first)"
                )


def _check_folders(config: Config, file: Path) -> None:
    for key in ("suites_dir", "connectors_dir"):
        value = getattr(config, key)
        if value is None:
            continue
        folder = config.resolve_path(value)
        try:
            found = "a folder" if folder.is_dir() else "a file" if folder.exists() else None
        except (OSError, ValueError):  # a name too long, a NUL byte
            found = None
        if found != "a folder":
            state = f"is {found}, not a folder" if found else "does not exist"
            raise ConfigError(f"{file}: {key}: {folder} {state}; create it or correct the path")


def _load_profile(config: Config, source_name: str, profile: str) -> Profile:
    from kmu_dataguard.sources.profiles import load_profile

    try:
        return load_profile(profile, config.user_profile_dirs())
    except ConfigError as exc:
        raise ConfigError(f"{config.path}: sources.{source_name}.profile: {exc}") from None


def _check_profiled(where: str, check: CheckConfig, source: SourceConfig, profile: Profile) -> None:
    if check.table or check.query:
        raise ConfigError(
            f"{where}: source {check.source!r} reads through profile {profile.name!r}; "
            "name an 'entity' instead of a 'table' or 'query'"
        )
    if check.entity is None:
        raise ConfigError(
            f"{where}.entity: required for a source with a profile "
            f"(profile {profile.name!r} maps: {', '.join(profile.entities)})"
        )
    if check.entity not in profile.entities:
        raise ConfigError(
            f"{where}.entity: profile {profile.name!r} has no entity {check.entity!r} "
            f"(it maps: {', '.join(profile.entities)})"
        )
    wanted = "sql" if source.kind == "sql" else ("file", "datev")
    if profile.kind not in wanted:
        raise ConfigError(
            f"{where}: profile {profile.name!r} is for {profile.kind} sources, but source "
            f"{check.source!r} is a {'database' if source.kind == 'sql' else 'file'}"
        )


def _describe_validation_error(file: Path, exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    loc = [_shown(p) for p in first["loc"]]
    where = ".".join(loc) or "(top level)"
    if first["type"] == "extra_forbidden":
        parent = ".".join(loc[:-1])
        allowed = _allowed_keys(loc[:-1])
        hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
        message = f"{where}: unknown key{(' in ' + parent) if parent else ''}{hint}"
    elif first["type"] == "missing":
        message = f"{where}: required key is missing"
    else:
        text = first["msg"].removeprefix("Value error, ")
        got = first.get("input")
        shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
        message = f"{where}: {text}{shown}"
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return f"{file}: {message}{more}"


def _allowed_keys(loc: list[str]) -> list[str]:
    """The keys allowed at ``loc`` (e.g. ['checks', 'customers'] → CheckConfig's fields)."""
    model: type[BaseModel] = Config
    depth = 0
    while depth < len(loc):
        section = loc[depth]
        nested = {
            "sources": SourceConfig,
            "checks": CheckConfig,
            "references": ReferenceConfig,
            "gates": GateConfig,
        }
        if model is CheckConfig and section == "fresh":
            model, depth = FreshConfig, depth + 1
            continue
        if model is CheckConfig and section == "overrides":
            model, depth = OverrideConfig, depth + 2  # skip the expectation id
            continue
        if model is Config and section in nested:
            model = nested[section]
            depth += 2  # skip the entry's own name
            continue
        if model is ReferenceConfig and section in ("from", "to", "agree"):
            model = {"from": ReferenceFrom, "to": ReferenceTo, "agree": AgreeRule}[section]
            depth += 2 if section == "agree" else 1  # skip the rule's index
            continue
        return []
    return [field.alias or name for name, field in model.model_fields.items()]
