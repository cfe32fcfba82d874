"""``dataguard fix``: a corrected copy of a delimited export with the safe suggestions applied.

The changes are planned in :mod:`.changes` (a failing value's one safe suggestion, never a
guess), applied to the source's raw records in :mod:`.fields` (only the changed field is
rewritten) and written with a change log in :mod:`.writing`. See docs/fix.md.
"""

from kmu_dataguard.fixing.changes import Change, planned_changes
from kmu_dataguard.fixing.writing import FixError, FixSummary, fix_target, write_fix

__all__ = ["Change", "FixError", "FixSummary", "fix_target", "planned_changes", "write_fix"]
