"""Write what a proposal needs to run: a connector profile and a ready ``dataguard.yml``.

Nothing existing is overwritten unless ``force``; every file is written atomically.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from kmu_dataguard.errors import ConfigError
from kmu_dataguard.onboarding.mapping import Proposal
from kmu_dataguard.outputs.files import atomic_write_text

__all__ = ["person_name", "profile_name", "write_setup"]

_NUMERIC = ("net_price", "vat_rate", "payment_terms_days")


def profile_name(source: str, table: str | None = None) -> str:
    """A profile/config name from the file name (or the table name): a-z, 0-9, '_' and '-'."""
    stem = (table if table is not None else Path(source).stem).casefold()
    stem = stem.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    name = re.sub(r"[^a-z0-9_\-]+", "_", stem).strip("_-")[:40]
    return name or "export"


def _profile(proposal: Proposal, name: str) -> dict[str, object]:
    entity: dict[str, object] = {}
    if proposal.key:
        entity["key"] = proposal.key
    kind = "datev" if proposal.file_format == "datev" else "file"
    if proposal.sql is not None:
        kind = "sql"
        entity["query"] = proposal.sql.query
    if kind in ("file", "sql"):
        mapping = proposal.mapping()
        combined = [c for c in proposal.columns if c.split]
        for column in combined:
            mapping.pop(column.canonical or "", None)
        entity["columns"] = {c: [h] for c, h in mapping.items()}
        if combined:
            entity["split"] = [_split_rule(c.source, c.split) for c in combined]
        numeric = [c for c in _NUMERIC if c in mapping]
        if numeric:
            entity["numeric"] = numeric
        if kind == "file":
            computed = person_name(proposal, mapping)
            if computed:
                entity["columns"].pop("name", None)  # type: ignore[union-attr]
                entity["computed"] = {"name": computed}
    what = proposal.sql.table if proposal.sql is not None else Path(proposal.source).name
    return {
        "name": name,
        "title": f"{what} (written by dataguard init)",
        "kind": kind,
        "entities": {proposal.entity: entity},
    }


def _split_rule(header: str, targets: tuple[str, ...]) -> dict[str, object]:
    """``01067 Dresden`` → postal_code and city (or the postal code only, when the city has a
    column of its own)."""
    from kmu_dataguard.onboarding.content import POSTAL_CITY_PATTERN

    pattern = POSTAL_CITY_PATTERN
    if "city" not in targets:
        pattern = pattern.replace("(?P<city>", "(?:")
    return {"from": header, "pattern": pattern}


def person_name(proposal: Proposal, mapping: dict[str, str]) -> dict[str, object] | None:
    """A partner export with first and last name columns: a private customer has no company
    name, so ``name`` is the company's, else "first last" (a computed column)."""
    from kmu_dataguard.onboarding.headers import match_header

    if proposal.entity not in ("customers", "suppliers"):
        return None
    unmapped = [c.source for c in proposal.columns if c.canonical is None]
    person: dict[str, str] = {}
    for header in unmapped:
        found = match_header(header)
        if found is not None and found.canonical in ("first_name", "last_name"):
            person.setdefault(found.canonical, header)
    if "last_name" not in person:
        return None
    rule: dict[str, object] = {
        "else_join": [person[k] for k in ("first_name", "last_name") if k in person]
    }
    if "name" in mapping:
        rule = {"first_of": [mapping["name"]], **rule}
    return rule


def _sql_location(url: str) -> dict[str, str]:
    """The URL for dataguard.yml: no password in it, a SQLite path made absolute."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.password:
        raise ConfigError(
            "the database URL holds a password, which --write would put into dataguard.yml; "
            "write dataguard.yml yourself with url: ...:${ERP_PASSWORD}@... (see the README), "
            "or run init without --write"
        )
    database = parsed.database or ""
    relative = not (database.startswith("file:") or Path(database).is_absolute())
    if parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:") and relative:
        # dataguard.yml resolves a relative SQLite path against its own folder.
        parsed = parsed.set(database=str(Path(database).resolve()))
    return {"url": parsed.render_as_string(hide_password=False)}


def _config(proposal: Proposal, name: str, directory: Path) -> dict[str, object]:
    if proposal.sql is not None:
        location = _sql_location(proposal.sql.url)
        return {
            "version": 1,
            "connectors_dir": "connectors",
            "sources": {name: {**location, "profile": name}},
            "checks": {name: {"source": name, "entity": proposal.entity}},
            "gates": {name: {"checks": [name]}},
        }
    sheet = {} if proposal.sheet is None else {"sheet": proposal.sheet}
    source = Path(proposal.source).resolve()
    try:
        path = os.path.relpath(source, directory.resolve())
    except ValueError:  # another drive on Windows
        path = str(source)
    return {
        "version": 1,
        "connectors_dir": "connectors",
        "sources": {name: {"path": Path(path).as_posix(), "profile": name, **sheet}},
        "checks": {name: {"source": name, "entity": proposal.entity}},
        "gates": {name: {"checks": [name]}},
    }


def _dump(data: dict[str, object]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


def write_setup(
    proposal: Proposal, directory: str | os.PathLike[str], *, force: bool = False
) -> list[Path]:
    """Write ``DIR/connectors/<name>.yml`` and ``DIR/dataguard.yml``; return their paths.

    Raises :class:`ConfigError` naming the file when one exists and ``force`` is False (and
    then writes nothing).
    """
    if not proposal.mapping():
        raise ConfigError(f"{proposal.source}: no column was mapped; nothing to write")
    folder = Path(directory)
    name = profile_name(proposal.source, proposal.sql.table if proposal.sql else None)
    profile_path = folder / "connectors" / f"{name}.yml"
    config_path = folder / "dataguard.yml"
    if not force:
        for path in (profile_path, config_path):
            if path.exists():
                raise ConfigError(
                    f"{path} already exists; not overwritten (add --force to replace it, "
                    "or write into another folder with --write DIR)"
                )
    header = "# Written by `dataguard init`; check the mapping, then run `dataguard gate {}`.\n"
    profile_text = header.format(name) + _dump(_profile(proposal, name))
    config_text = header.format(name) + _dump(_config(proposal, name, folder))
    profile_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(profile_path, profile_text)
    atomic_write_text(config_path, config_text)
    return [profile_path, config_path]
