"""What ``dataguard sources test`` reports: can each source be reached, what does it hold,
and how do the checks' columns map onto the canonical entities."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kmu_dataguard._secrets import redact
from kmu_dataguard.config import Config
from kmu_dataguard.errors import DataguardError

__all__ = ["CheckProbe", "SourceProbe", "probe_sources"]


@dataclass
class CheckProbe:
    """One check on the source: rows, and which canonical columns it provides."""

    check: str
    entity: str | None
    rows: int | None = None
    columns: list[str] = field(default_factory=list)
    not_provided: list[str] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class SourceProbe:
    name: str
    kind: str
    location: str  # without credentials
    profile: str | None
    ok: bool = True
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    checks: list[CheckProbe] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["checks"] = [c.to_dict() for c in self.checks]
        return out


def probe_sources(config: Config, names: list[str] | None = None) -> list[SourceProbe]:
    """Probe the named sources (all by default); failures are recorded, never raised."""
    from kmu_dataguard.errors import ConfigError

    wanted = names or list(config.sources)
    unknown = [n for n in wanted if n not in config.sources]
    if unknown:
        known = ", ".join(config.sources) or "none"
        raise ConfigError(f"{config.path}: no source named {unknown[0]!r} (sources: {known})")
    return [_probe(config, name) for name in wanted]


def _probe(config: Config, name: str) -> SourceProbe:
    from kmu_dataguard.sources.reading import read_check_table, sql_url
    from kmu_dataguard.sources.sql import redact_url, test_connection

    source = config.sources[name]
    location = (
        str(config.resolve_path(source.path)) if source.path else redact_url(source.url or "")
    )
    probe = SourceProbe(name, source.kind, location, source.profile)
    try:
        if source.kind == "sql":
            info = test_connection(sql_url(source, config), source_name=name)
            probe.details = {
                "dialect": info.dialect,
                "server_version": info.server_version,
                "read_only_session": info.read_only,
                "tables": info.tables,
            }
        else:
            from kmu_dataguard.sources._common import check_regular_file

            check_regular_file(config.resolve_path(source.path or ""), config.limits.to_limits())
    except DataguardError as exc:
        probe.ok, probe.error = False, redact(str(exc), config.secrets)
        return probe
    for check_name, check in config.checks.items():
        if check.source != name:
            continue
        result = CheckProbe(check_name, check.entity)
        try:
            with read_check_table(config, check) as table:
                result.rows = table.rows
                result.columns = table.columns
                result.not_provided = table.not_provided
            if table.rows == 0 and not check.allow_empty:
                # What the gate would say: no data is never a pass.
                probe.ok = False
                result.error = (
                    f"{table.origin} holds no records; a gate would exit 3 "
                    "(set allow_empty: true on the check if empty is normal)"
                )
        except DataguardError as exc:
            probe.ok = False
            result.error = redact(str(exc), config.secrets)
        probe.checks.append(result)
    return probe
