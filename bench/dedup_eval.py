"""Measure duplicate detection: pairwise precision/recall on the labelled set, speed at 100 k.

    PYTHONPATH=. python bench/dedup_eval.py [--rows 100000] [--skip-large]

Prints a table per variant group of the labelled set (tests/data/dedup_eval.csv, written by
bench/dedup_data.py) and the time and peak RSS of deduplicating a generated table of
``--rows`` partners.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_data import EVAL_CSV, make_partners

from kmu_dataguard.consistency.duplicates import find_duplicates
from kmu_dataguard.consistency.evaluation import pairwise_scores


def evaluate(
    frame: pd.DataFrame, stats: dict | None = None, **options: object
) -> tuple[int, object, float]:
    start = time.perf_counter()
    clusters = find_duplicates(frame, key="partner_id", stats=stats, **options)
    elapsed = time.perf_counter() - start
    return len(clusters), pairwise_scores(clusters, frame["entity_id"].tolist()), elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()

    frame = pd.read_csv(EVAL_CSV, dtype=str, keep_default_na=False)
    print(f"labelled set: {len(frame)} records, {frame['entity_id'].nunique()} partners")
    print(
        f"{'threshold':>9} | {'clusters':>8} | {'TP':>5} | {'FP':>4} | {'FN':>4} | "
        f"{'precision':>9} | {'recall':>6}"
    )
    for threshold in (0.80, 0.85, 0.88, 0.92):
        count, s, _ = evaluate(frame, threshold=threshold)
        print(
            f"{threshold:>9.2f} | {count:>8} | {s.true_positives:>5} | {s.false_positives:>4} | "
            f"{s.false_negatives:>4} | {s.precision:>9.3f} | {s.recall:>6.3f}"
        )
    if args.skip_large:
        return
    entities = int(args.rows / 1.15)
    large = pd.DataFrame(make_partners(entities, seed=11, dup_rate=0.2, wide=True))
    large = large.head(args.rows)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stats: dict[str, int] = {}
    count, s, elapsed = evaluate(large, stats)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    possible = len(large) * (len(large) - 1) // 2
    print(
        f"\n{len(large)} generated partners ({large['entity_id'].nunique()} true partners): "
        f"{elapsed:.1f} s, peak RSS {rss:.0f} MB ({before:.0f} MB before deduplication), "
        f"{stats['candidate_pairs']} candidate pairs scored of {possible}, "
        f"{count} clusters, precision {s.precision:.3f}, recall {s.recall:.3f}"
    )


if __name__ == "__main__":
    main()
