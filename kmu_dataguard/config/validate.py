"""The checks of a configuration that the schema cannot make: across sections and files.

After pydantic has accepted every section, :func:`check_config` makes sure that names are
usable, folders exist, database URLs parse and that every name used refers to something: a
check's source, suite, profile entity and overrides; a reference's checks; a gate's checks
and references. The first problem is a :class:`ConfigError` naming the file and the key path.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import ArgumentError

from kmu_dataguard.config.models import CheckConfig, Config, SourceConfig
from kmu_dataguard.config.names import check_names
from kmu_dataguard.errors import ConfigError, one_line

if TYPE_CHECKING:
    from kmu_dataguard.sources.profiles import Profile
    from kmu_dataguard.suites import SuiteCatalog

__all__ = ["check_config"]


def check_config(config: Config, file: Path) -> None:
    """Everything :func:`~kmu_dataguard.config.loading.build_config` checks after the schema."""
    check_names(config, file)
    _check_folders(config, file)
    _check_urls(config)
    _check_references(config, file)


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
        # (key in the gate, what it names, where those are defined)
        for key, what, pool in (
            ("checks", "check", config.checks),
            ("references", "reference", config.references),
            ("notify", "notify channel", config.notify),
        ):
            for i, used in enumerate(getattr(gate, key)):
                if used not in pool:
                    known = ", ".join(sorted(pool)) or "none"
                    raise ConfigError(
                        f"{file}: gates.{name}.{key}.{i}: no {what} named {used!r} "
                        f"({what}s defined: {known})"
                    )


def _check_overrides(where: str, check: CheckConfig, catalog: SuiteCatalog) -> None:
    """Every override names an expectation of the check's suite and applies to it."""
    from dataclasses import replace

    from kmu_dataguard.errors import SuiteError
    from kmu_dataguard.suites import OverrideError, apply_overrides
    from kmu_dataguard.validators.catalog import HISTORY_TYPES

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
        keys = " and ".join(k for k in ("mostly", "when") if getattr(given, k) is not None)
        if exp.type in HISTORY_TYPES:  # judged by the runner, not GX: every record counts
            raise ConfigError(
                f"{where}.overrides.{exp.id}: {exp.type} compares every record with its "
                f"accepted value and does not take {keys}; remove it from this override"
            )
        from kmu_dataguard.engine import build_suite

        try:
            build_suite(replace(done, expectations=(exp,)))
        except SuiteError as exc:
            detail = str(exc).rsplit("cannot be loaded: ", 1)[-1]
            raise ConfigError(
                f"{where}.overrides.{exp.id}: {exp.type} does not take {keys} ({detail}); "
                "remove it from this override"
            ) from None


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
            # one_line: a path from the file may hold a line break (shown escaped, as typed)
            raise ConfigError(
                f"{file}: {key}: {one_line(str(folder))} {state}; create it or correct the path"
            )


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
