"""The schema of ``dataguard.yml``: one strict pydantic model per section.

Every model refuses unknown keys and is frozen. :class:`Config` is the whole file; the checks
that span sections (a check names a defined source, a suite exists, …) are in
:mod:`kmu_dataguard.config.validate`, reading in :mod:`kmu_dataguard.config.loading` and
``${ENV}`` interpolation in :mod:`kmu_dataguard.config.environment`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictStr,
    model_validator,
)

from kmu_dataguard.errors import ConfigError
from kmu_dataguard.notify.channels import ChannelConfig
from kmu_dataguard.sources.limits import DEFAULT_LIMITS, Limits
from kmu_dataguard.strict_fields import Age, NoBool
from kmu_dataguard.strict_fields import Strict as _Strict

__all__ = [
    "DEFAULT_CONFIG",
    "AgreeRule",
    "CheckConfig",
    "Config",
    "FreshConfig",
    "GateConfig",
    "LimitsConfig",
    "OverrideConfig",
    "ReferenceConfig",
    "ReferenceFrom",
    "ReferenceTo",
    "SourceConfig",
    "url_passwords",
]

DEFAULT_CONFIG = "dataguard.yml"


def _share(value: Any) -> Any:
    """``20 %``, ``20%`` or ``0.2`` as the fraction 0.2 (see ``units.parse_share``)."""
    from kmu_dataguard.units import parse_share

    return None if value is None else parse_share(value)


#: A share of rows: ``20 %`` or a fraction ``0.2``, held as the fraction.
Share = Annotated[float, BeforeValidator(_share)]


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
    ``min_rows``, ``max_row_drop`` (against the previous recorded run) and ``fresh`` catch
    truncated and outdated data the same way.
    """

    source: str
    suite: str | None = None
    entity: str | None = None
    table: str | None = None
    query: str | None = None
    key: str | None = None
    allow_empty: bool = False
    min_rows: Annotated[int | None, NoBool] = Field(default=None, ge=1)
    #: fewer rows than the previous recorded run by more than this share: exit 3 (``20 %``)
    max_row_drop: Share | None = None
    fresh: FreshConfig | None = None
    #: expectation id → what to change for this check (docs/overrides.md)
    overrides: dict[str, OverrideConfig] = Field(default_factory=dict)
    #: folder for the accepted and the held records of a file source (docs/split.md);
    #: relative to the folder of dataguard.yml
    split: str | None = None
    #: allow ``split`` to be the source's own folder
    split_force: bool = False

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
    #: channels of the top-level ``notify:`` told when the gate's state changes
    notify: list[str] = Field(default_factory=list)

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
    #: the run history: ``off``, an SQLite file path or an SQLAlchemy URL (docs/history.md);
    #: default ``.dataguard/history.db`` beside this file
    history: StrictBool | StrictStr | None = None
    sources: dict[str, SourceConfig] = Field(default_factory=dict)
    checks: dict[str, CheckConfig] = Field(default_factory=dict)
    references: dict[str, ReferenceConfig] = Field(default_factory=dict)
    gates: dict[str, GateConfig] = Field(default_factory=dict)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    #: named notification channels (docs/notifications.md); a gate's ``notify:`` names them
    notify: dict[str, ChannelConfig] = Field(default_factory=dict)

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


def url_passwords(config: Config) -> frozenset[str]:
    """The credentials in the sources' URLs, the history URL and the notify channels (after
    interpolation), in every spelling."""
    from kmu_dataguard._secrets import url_secrets

    found: set[str] = set()
    for source in config.sources.values():
        found |= url_secrets(source.url)
    if isinstance(config.history, str) and "://" in config.history:
        found |= url_secrets(config.history)
    for channel in config.notify.values():
        found |= channel.secrets
    return frozenset(found)
