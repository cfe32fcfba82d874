"""``guard``: a gate as a pre-flight step around Python code, as ``with`` or as a decorator.

::

    with kmu_dataguard.guard("invoicing", config="dataguard.yml"):
        send_invoices()

    @kmu_dataguard.guard("invoicing")
    def send_invoices(): ...

On entry the gate runs; :class:`~kmu_dataguard.errors.GateBlocked` is raised (and the body
skipped) unless the workflow may run. A decorated function runs the gate on every call.
"""

from __future__ import annotations

import os
from contextlib import ContextDecorator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kmu_dataguard.config.models import Config
    from kmu_dataguard.results import GateResult

__all__ = ["guard"]


class guard(ContextDecorator):  # lower case: used like a function
    """Run gate ``name`` of ``config`` before the body; ``fail_on`` as in ``run_gate``."""

    def __init__(
        self,
        name: str,
        config: str | os.PathLike[str] | Config = "dataguard.yml",
        *,
        fail_on: str | None = None,
    ) -> None:
        self.name = name
        self.config = config
        self.fail_on = fail_on
        #: the result of the last entry
        self.result: GateResult | None = None

    def __enter__(self) -> GateResult:
        from kmu_dataguard.runner import run_gate

        self.result = run_gate(self.name, self.config, fail_on=self.fail_on)
        return self.result.raise_for_verdict()

    def __exit__(self, *exc: object) -> None:
        return None
