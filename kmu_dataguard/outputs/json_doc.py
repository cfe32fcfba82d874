"""The JSON document (schema v1) printed by ``--format json``: exactly one document."""

from __future__ import annotations

import json

from kmu_dataguard.results import GateResult

__all__ = ["render_json"]


def render_json(result: GateResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
