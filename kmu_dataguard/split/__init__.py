"""``--split DIR``: the accepted and the held records of a checked file, in its own format.

The rules are in :mod:`.routing`, the file formats in :mod:`.source_files` and
:mod:`.raw_records`, the list of reasons in :mod:`.reasons` (with the suggestion hook in
:mod:`.suggestions`), and the safe writing in :mod:`.writing`. See docs/split.md.
"""

from kmu_dataguard.split.writing import (
    REASONS_FILE,
    SplitError,
    SplitInput,
    SplitSummary,
    SplitTarget,
    split_target,
    write_split,
)

__all__ = [
    "REASONS_FILE",
    "SplitError",
    "SplitInput",
    "SplitSummary",
    "SplitTarget",
    "split_target",
    "write_split",
]
