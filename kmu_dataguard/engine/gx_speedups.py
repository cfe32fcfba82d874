"""Faster equivalents of a few GX methods that dominate a validation of a small table.

On a warm server a gate over a few hundred rows spends most of its time in GX's bookkeeping,
not in the checks. ``Expectation.configuration`` is a property that serialises the whole
pydantic model into a new ``ExpectationConfiguration`` on every access, and GX's kwargs helpers
access it once *per key* (``_get_domain_kwargs`` for each domain key, and so on): about 5 000
serialisations for the demo's invoicing gate, 40 % of its validation time. The replacements
below read the configuration once per call and return the same values; ``camel_to_snake``
(a pure function of a class name, two regular expressions per call) is memoised, and
``convert_to_json_serializable`` (every metric id hashes its kwargs) answers ``None`` first.

Installed once per process by :func:`install` (from ``gx_internals.gx_context``); the
replacements are tested against GX's own methods (tests/test_gx_speedups.py). Like
``gx_internals`` this reaches into GX internals (pinned to the minor version tested): if GX
renames them, nothing is replaced and validation runs GX's own code, only slower.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

__all__ = ["ORIGINALS", "install"]

log = logging.getLogger("great_expectations.expectations.expectation")

#: GX's own methods, by name, as they were before :func:`install` (for the tests).
ORIGINALS: dict[str, Any] = {}


def _domain_kwargs(self: Any) -> dict[str, Any]:
    """``Expectation._get_domain_kwargs`` with the configuration built once, not per key.

    (GX's check for missing keys afterwards can never fire: every domain key is set.)
    """
    return _domain(self, self.configuration.kwargs)


def _success_kwargs(self: Any) -> dict[str, Any]:
    """``Expectation._get_success_kwargs`` with the configuration built once."""
    return _success(self, self.configuration.kwargs)


def _runtime_kwargs(self: Any, runtime_configuration: dict[str, Any] | None = None) -> dict:
    """``Expectation._get_runtime_kwargs`` with the configuration built once."""
    from great_expectations.expectations.expectation import parse_result_format

    runtime_configuration = runtime_configuration or {}
    kwargs = self.configuration.kwargs
    success_kwargs = _success(self, kwargs)
    runtime_kwargs = {
        key: runtime_configuration.get(key, _success_kwarg(self, kwargs, key))
        for key in self.runtime_keys
    }
    runtime_kwargs.update(success_kwargs)
    runtime_kwargs["result_format"] = parse_result_format(runtime_kwargs["result_format"])
    return runtime_kwargs


def _domain(self: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    if type(self)._get_domain_kwargs is not _domain_kwargs:  # a subclass has its own
        return self._get_domain_kwargs()
    return {key: kwargs.get(key, self._get_default_value(key)) for key in self.domain_keys}


def _success(self: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    if type(self)._get_success_kwargs is not _success_kwargs:  # a subclass has its own
        return self._get_success_kwargs()
    success = {key: kwargs.get(key, self._get_default_value(key)) for key in self.success_keys}
    success.update(_domain(self, kwargs))
    return success


def _success_kwarg(self: Any, kwargs: dict[str, Any], key: str) -> Any:
    """``Expectation._get_success_kwarg(key)`` given the configuration's ``kwargs``."""
    if key in kwargs:
        return kwargs[key]
    field = self.__fields__.get(key)
    if field is not None:
        return field.default if not field.required else None
    log.warning(
        '_get_success_kwarg called with key "%s", but it is not a known field of %s',
        key,
        type(self).__name__,
    )
    return None


_REPLACEMENTS = {
    "_get_domain_kwargs": _domain_kwargs,
    "_get_success_kwargs": _success_kwargs,
    "_get_runtime_kwargs": _runtime_kwargs,
}


@functools.cache
def install() -> bool:
    """Replace the methods on GX's ``Expectation`` (once); False when GX no longer has them."""
    from great_expectations.expectations import expectation as module

    base = getattr(module, "Expectation", None)
    names = [*_REPLACEMENTS, "_get_success_kwarg", "_get_default_value", "configuration"]
    if base is None or not all(hasattr(base, n) for n in names):
        log.debug("GX's Expectation changed: its own kwargs helpers are used")
        return False
    for name, replacement in _REPLACEMENTS.items():
        ORIGINALS[name] = getattr(base, name)
        setattr(base, name, replacement)
    snake = getattr(module, "camel_to_snake", None)
    if snake is not None:
        ORIGINALS["camel_to_snake"] = snake
        module.camel_to_snake = functools.lru_cache(maxsize=1024)(snake)
    _install_json_fast_path()
    return True


def _install_json_fast_path() -> None:
    """``None`` answered first by GX's ``convert_to_json_serializable``.

    Every metric's id is the hash of its kwargs made JSON-ready, and most kwargs are ``None``
    (no row condition, no mostly ...): GX answers ``None`` only after four ``np.issubdtype``
    calls (~15 % of a small table's validation). The function recurses through its module's
    global, so replacing it there (and where ``IDDict.to_id`` imported it) covers nested values.
    """
    from great_expectations import util
    from great_expectations.core import id_dict

    convert = getattr(util, "convert_to_json_serializable", None)
    if convert is None or getattr(id_dict, "convert_to_json_serializable", None) is not convert:
        return
    ORIGINALS["convert_to_json_serializable"] = convert

    @functools.wraps(convert)
    def convert_none_first(data: Any) -> Any:
        return None if data is None else convert(data)

    util.convert_to_json_serializable = convert_none_first
    id_dict.convert_to_json_serializable = convert_none_first
