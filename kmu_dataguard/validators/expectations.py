"""The GX 1.x metric and expectation classes, generated from the validator catalog.

Importing this module defines, and thereby registers with GX, one ``ColumnMapExpectation`` per
``column`` entry of :data:`~kmu_dataguard.validators.catalog.CATALOG` and one
``ColumnPairMapExpectation`` per ``pair`` entry, each backed by a metric whose pandas
implementation calls the entry's judge; ``table`` entries import their hand-written class
(e.g. :mod:`kmu_dataguard.consistency.expectations`). Generated metrics run on pandas only; the
engine adapter fetches their columns from SQL sources
(:func:`~kmu_dataguard.validators.catalog.python_only_types`).

Every expectation renders its entry's sentence as its prescriptive description for Data Docs,
both as an atomic renderer (``_prescriptive_template``) and as the legacy prescriptive renderer.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import (
    ColumnMapExpectation,
    ColumnPairMapExpectation,
    Expectation,
)
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    ColumnPairMapMetricProvider,
    column_condition_partial,
    column_pair_condition_partial,
)
from great_expectations.render import LegacyRendererType, RenderedStringTemplateContent
from great_expectations.render.renderer.renderer import renderer
from great_expectations.render.renderer_configuration import (
    RendererConfiguration,
    RendererValueType,
)
from great_expectations.render.util import num_to_str
from great_expectations.util import camel_to_snake

from kmu_dataguard.validators.catalog import CATALOG, Validator, resolve

__all__ = ["COLUMN_EXPECTATIONS", "PAIR_EXPECTATIONS", "define", "expectation_class"]

_PAIR_DOMAIN_KEYS = (
    "batch_id",
    "table",
    "column_A",
    "column_B",
    "row_condition",
    "condition_parser",
    "ignore_row_if",
)


# --------------------------------------------------------------------------- rendering


def _kwargs_of(configuration: Any, result: Any) -> dict[str, Any]:
    # Renderers are dispatched with a configuration, a result, or neither (see GX docstring).
    if configuration is None and result is not None:
        configuration = getattr(result, "expectation_config", None)
    return dict(getattr(configuration, "kwargs", None) or {})


def _mostly_suffix(mostly: Any) -> str:
    if mostly is None or mostly == 1:
        return ""
    try:
        pct = num_to_str(float(mostly) * 100, no_scientific=True)
    except (TypeError, ValueError):
        return ""
    return f", at least {pct} % of the time"


class _Sentence:
    """Shared renderer: ``sentence`` is a template over the expectation's kwargs ($column...)."""

    sentence: ClassVar[str] = ""
    clauses: ClassVar[tuple[tuple[str, str], ...]] = ()
    render_params: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def _sentence_for(cls, kwargs: dict[str, Any]) -> str:
        # e.g. ", at least $min_value and at most $max_value" for the kwargs that are set
        added = [text for key, text in cls.clauses if kwargs.get(key) is not None]
        return cls.sentence + (", " + " and ".join(added) if added else "")

    @classmethod
    def _param_values(cls, kwargs: dict[str, Any]) -> dict[str, Any]:
        # Unset kwargs render with the expectation's default (e.g. default_region "DE").
        fields = getattr(cls, "__fields__", {})
        values: dict[str, Any] = {}
        for name in cls.render_params:
            if name in kwargs:
                values[name] = kwargs[name]
            elif name in fields:
                values[name] = fields[name].default
        return values

    @classmethod
    def _fill_template(cls, renderer_configuration: RendererConfiguration) -> RendererConfiguration:
        kwargs = dict(renderer_configuration.kwargs or {})
        for name, value in cls._param_values(kwargs).items():
            renderer_configuration.add_param(
                name=name, param_type=RendererValueType.STRING, value=value
            )
        renderer_configuration.add_param(name="mostly", param_type=RendererValueType.NUMBER)
        template = cls._sentence_for(kwargs)
        params = renderer_configuration.params
        if params.mostly and params.mostly.value < 1.0:
            renderer_configuration = ColumnMapExpectation._add_mostly_pct_param(
                renderer_configuration=renderer_configuration
            )
            template += ", at least $mostly_pct % of the time"
        renderer_configuration.template_str = template + "."
        return renderer_configuration

    @classmethod
    def _legacy_sentence(
        cls, configuration: Any, result: Any, runtime_configuration: dict | None
    ) -> list[RenderedStringTemplateContent]:
        kwargs = _kwargs_of(configuration, result)
        styling = (runtime_configuration or {}).get("styling") or {}
        template = cls._sentence_for(kwargs) + _mostly_suffix(kwargs.get("mostly")) + "."
        return [
            RenderedStringTemplateContent(
                content_block_type="string_template",
                string_template={
                    "template": template,
                    "params": cls._param_values(kwargs),
                    "styling": styling,
                },
            )
        ]

    # The renderers of every generated expectation, defined once here: GX registers the
    # renderer functions it finds on each concrete class, inherited ones included.
    @classmethod
    def _prescriptive_template(
        cls, renderer_configuration: RendererConfiguration
    ) -> RendererConfiguration:
        return cls._fill_template(renderer_configuration)

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(
        cls,
        configuration: Any = None,
        result: Any = None,
        runtime_configuration: dict | None = None,
    ) -> list[RenderedStringTemplateContent]:
        return cls._legacy_sentence(configuration, result, runtime_configuration)


class _KmuColumnMapExpectation(_Sentence, ColumnMapExpectation):
    """Base of the single-column expectations; abstract (no map_metric), so not registered."""

    # Declared here, on the pydantic model, so subclasses' values stay class attributes.
    sentence: ClassVar[str] = ""
    clauses: ClassVar[tuple[tuple[str, str], ...]] = ()
    render_params: ClassVar[tuple[str, ...]] = ("column",)


class _KmuColumnPairMapExpectation(_Sentence, ColumnPairMapExpectation):
    """Base of the row-pair expectations; rows missing either value are skipped by default."""

    sentence: ClassVar[str] = ""
    clauses: ClassVar[tuple[tuple[str, str], ...]] = ()
    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = (
        "either_value_is_missing"
    )
    success_keys: ClassVar[tuple[str, ...]] = ("column_A", "column_B", "ignore_row_if", "mostly")
    args_keys: ClassVar[tuple[str, ...]] = ("column_A", "column_B")
    render_params: ClassVar[tuple[str, ...]] = ("column_A", "column_B")


# --------------------------------------------------------------------------- generation


def define(entry: Validator) -> type[Expectation]:
    """Define, and so register with GX, the metric and expectation classes of ``entry``.

    A ``table`` entry's hand-written class is imported instead (importing registers it).
    """
    if entry.gx_class is not None:
        cls: type[Expectation] = resolve(entry.gx_class)
    elif entry.sql_capable:
        raise ValueError(f"{entry.name}: generated metrics are pandas-only (sql_capable)")
    elif camel_to_snake(_camel(entry.name)) != entry.name:
        raise ValueError(f"{entry.name}: GX cannot name a class for it ({_camel(entry.name)})")
    else:
        _metric_class(entry)
        cls = _expectation_class(entry)
    if cls.expectation_type != entry.name:
        raise ValueError(f"{entry.name}: GX registered it as {cls.expectation_type!r}")
    return cls


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace(".", "_").split("_"))


def _metric_class(entry: Validator) -> type:
    judge = entry.judge_function()
    defaults = {p.name: p.default for p in entry.params}
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__doc__": f"The pandas metric of {entry.name}.",
        "condition_metric_name": entry.metric,
    }
    if entry.kind == "column":
        base: type = ColumnMapMetricProvider

        def _column(cls: Any, column: pd.Series, **kwargs: Any) -> pd.Series:
            return judge(column, **{k: kwargs.get(k, d) for k, d in defaults.items()})

        namespace["_pandas"] = column_condition_partial(engine=PandasExecutionEngine)(_column)
        if defaults:
            namespace["condition_value_keys"] = tuple(defaults)
    else:
        base = ColumnPairMapMetricProvider

        def _pair(cls: Any, column_A: pd.Series, column_B: pd.Series, **kwargs: Any) -> pd.Series:
            values = {k: kwargs.get(k, d) for k, d in defaults.items()}
            return judge(column_A, column_B, **values)

        namespace["_pandas"] = column_pair_condition_partial(engine=PandasExecutionEngine)(_pair)
        namespace["condition_domain_keys"] = _PAIR_DOMAIN_KEYS
        namespace["condition_value_keys"] = tuple(defaults)
    name = _camel(entry.metric)
    return type(name, (base,), {"__qualname__": name, **namespace})


def _expectation_class(entry: Validator) -> type[Expectation]:
    base: type[Expectation]
    base = _KmuColumnMapExpectation if entry.kind == "column" else _KmuColumnPairMapExpectation
    params = tuple(p.name for p in entry.params)
    # Rendered params: those the sentence or a clause shows, in declaration order.
    used = set(re.findall(r"\$(\w+)", " ".join((entry.sentence, *(t for _, t in entry.clauses)))))
    shown = tuple(p for p in params if p in used)
    name = _camel(entry.name)
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__qualname__": name,
        "__doc__": entry.doc,
        "__annotations__": {p.name: p.field_type for p in entry.params},
        **{p.name: p.default for p in entry.params},
        "map_metric": entry.metric,
        "sentence": entry.sentence,
        "clauses": entry.clauses,
    }
    if params:
        namespace["success_keys"] = (*base.success_keys, *params)
    if shown:
        namespace["render_params"] = (*base.render_params, *shown)
    return type(name, (base,), namespace)


_CLASSES: dict[str, type[Expectation]] = {entry.name: define(entry) for entry in CATALOG}
# The generated classes are attributes of this module, as hand-written ones would be.
globals().update({c.__name__: c for c in _CLASSES.values() if c.__module__ == __name__})


def expectation_class(name: str) -> type[Expectation]:
    """The GX class of catalog entry ``name`` (KeyError for any other type)."""
    return _CLASSES[name]


def _of_kind(kind: str) -> tuple[type[Expectation], ...]:
    return tuple(_CLASSES[entry.name] for entry in CATALOG if entry.kind == kind)


COLUMN_EXPECTATIONS: tuple[type[Expectation], ...] = _of_kind("column")
PAIR_EXPECTATIONS: tuple[type[Expectation], ...] = _of_kind("pair")
