"""Clusters of duplicate records: union-find over the linked pairs, strongest first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DuplicateCluster", "PairEvidence", "clusters_of"]


@dataclass(frozen=True)
class PairEvidence:
    """Why two records were joined: their keys, the score (1.0 for an identifier) and a reason."""

    a: str
    b: str
    score: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "score": round(self.score, 4), "reason": self.reason}


@dataclass
class DuplicateCluster:
    """Records that are one partner: their keys and 0-based row positions, in table order.

    ``score`` is the weakest link that holds the cluster together (1.0 when identifiers alone
    join it); ``reasons`` the distinct reasons of those links; ``pairs`` the links themselves.
    """

    keys: list[str]
    rows: list[int]
    score: float
    reasons: list[str]
    pairs: list[PairEvidence] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "keys": list(self.keys),
            "rows": list(self.rows),
            "score": round(self.score, 4),
            "reason": self.reason,
            "pairs": [p.to_dict() for p in self.pairs],
        }


def clusters_of(
    edges: list[tuple[float, int, int, str]], key_of: Callable[[int], str]
) -> list[DuplicateCluster]:
    """Union-find over the pairs, strongest first; each cluster keeps its spanning links."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    links: dict[int, list[tuple[float, int, int, str]]] = {}
    for edge in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        _, a, b, _ = edge
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        parent[rb] = ra
        links[ra] = links.pop(ra, []) + links.pop(rb, []) + [edge]
    members: dict[int, list[int]] = {}
    for row in parent:
        members.setdefault(find(row), []).append(row)
    clusters = []
    for root, rows in members.items():
        rows = sorted(rows)
        spanning = links.get(root, [])
        reasons: list[str] = []
        for _, _, _, reason in spanning:
            if reason not in reasons:
                reasons.append(reason)
        clusters.append(
            DuplicateCluster(
                keys=[key_of(r) for r in rows],
                rows=rows,
                score=min(e[0] for e in spanning),
                reasons=reasons[:5],
                pairs=[PairEvidence(key_of(a), key_of(b), s, r) for s, a, b, r in spanning],
            )
        )
    return sorted(clusters, key=lambda c: c.rows[0])
