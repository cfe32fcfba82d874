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

__all__ = ["profile_name", "write_setup"]

_NUMERIC = ("net_price", "vat_rate", "payment_terms_days")


def profile_name(source: str) -> str:
    """A profile/config name from the file name: lower case letters, digits, '_' and '-'."""
    stem = Path(source).stem.casefold()
    stem = stem.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    name = re.sub(r"[^a-z0-9_\-]+", "_", stem).strip("_-")[:40]
    return name or "export"


def _profile(proposal: Proposal, name: str) -> dict[str, object]:
    entity: dict[str, object] = {}
    if proposal.key:
        entity["key"] = proposal.key
    kind = "datev" if proposal.file_format == "datev" else "file"
    if kind == "file":
        mapping = proposal.mapping()
        entity["columns"] = {c: [h] for c, h in mapping.items()}
        numeric = [c for c in _NUMERIC if c in mapping]
        if numeric:
            entity["numeric"] = numeric
    return {
        "name": name,
        "title": f"{Path(proposal.source).name} (written by dataguard init)",
        "kind": kind,
        "entities": {proposal.entity: entity},
    }


def _config(proposal: Proposal, name: str, directory: Path) -> dict[str, object]:
    source = Path(proposal.source).resolve()
    try:
        path = os.path.relpath(source, directory.resolve())
    except ValueError:  # another drive on Windows
        path = str(source)
    return {
        "version": 1,
        "connectors_dir": "connectors",
        "sources": {name: {"path": Path(path).as_posix(), "profile": name}},
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
    name = profile_name(proposal.source)
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
    profile_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(profile_path, header.format(name) + _dump(_profile(proposal, name)))
    atomic_write_text(config_path, header.format(name) + _dump(_config(proposal, name, folder)))
    return [profile_path, config_path]
