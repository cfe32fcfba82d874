"""Pairwise precision and recall of duplicate clusters against labelled data.

A steward's question is "are these two records the same partner?", so every pair of records
is one decision: predicted same (both in one cluster) vs truly same (same entity label).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from kmu_dataguard.consistency.duplicates import DuplicateCluster

__all__ = ["PairScores", "pairwise_scores"]


@dataclass(frozen=True)
class PairScores:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 1.0


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def pairwise_scores(clusters: Sequence[DuplicateCluster], labels: Sequence[str]) -> PairScores:
    """Score ``clusters`` (row positions) against ``labels`` (the true entity of each row)."""
    cluster_of = {row: i for i, c in enumerate(clusters) for row in c.rows}
    predicted = sum(_pairs(len(c.rows)) for c in clusters)
    real = sum(_pairs(n) for n in Counter(labels).values())
    both = Counter((cluster_of[row], labels[row]) for row in cluster_of)
    tp = sum(_pairs(n) for n in both.values())
    return PairScores(tp, predicted - tp, real - tp)
