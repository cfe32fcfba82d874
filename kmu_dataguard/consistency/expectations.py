"""The GX 1.x expectation around :func:`kmu_dataguard.consistency.duplicates.find_duplicates`.

``expect_table_rows_to_have_no_duplicate_partners`` is a table-level (batch) expectation: it
fails when any two records are the same business partner. Its result speaks the language of
the map expectations the engine adapter already reads (``unexpected_index_list`` = row
positions of every record in a duplicate group, ``unexpected_list`` = their names,
``unexpected_count``, ``unexpected_percent``) plus ``details.clusters``: one entry per group
with the records' keys and row positions, the score and the reason, so a steward can merge.

Importing this module registers the metric and the expectation (pandas only). Its type, metric
name, labels and sentence are declared in :mod:`kmu_dataguard.validators.catalog`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import BatchExpectation
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.table_metric_provider import TableMetricProvider
from great_expectations.render import LegacyRendererType, RenderedStringTemplateContent
from great_expectations.render.renderer.renderer import renderer
from great_expectations.render.renderer_configuration import (
    RendererConfiguration,
    RendererValueType,
)

from kmu_dataguard.consistency.duplicates import (
    DEFAULT_SETTINGS,
    PartnerFeatures,
    link_partners,
    partner_settings,
)
from kmu_dataguard.consistency.partner_features import prebuilt_for
from kmu_dataguard.validators.catalog import CATALOG

__all__ = ["ExpectTableRowsToHaveNoDuplicatePartners", "TableKmuDuplicatePartners"]

_ENTRY = next(v for v in CATALOG if v.name == "expect_table_rows_to_have_no_duplicate_partners")
_METRIC = _ENTRY.metric
_COLUMNS = DEFAULT_SETTINGS.columns
_VALUE_KEYS = (
    "key_column",
    "name_columns",
    "street_column",
    "postal_code_column",
    "city_column",
    "country_column",
    "company_column",
    "identifier_columns",
    "threshold",
)
_SENTENCE = _ENTRY.sentence


class TableKmuDuplicatePartners(TableMetricProvider):
    """The duplicate groups of a table: ``{"rows": int, "clusters": [...], "names": [...]}``."""

    metric_name = _METRIC
    value_keys = _VALUE_KEYS

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls,
        execution_engine: PandasExecutionEngine,
        metric_domain_kwargs: dict,
        metric_value_kwargs: dict,
        metrics: dict[str, Any],
        runtime_configuration: dict,
    ) -> dict[str, Any]:
        frame, _, _ = execution_engine.get_compute_domain(
            metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE
        )
        settings = partner_settings(metric_value_kwargs)
        columns = settings.columns
        # A database table: the engine built the features while fetching it, and the frame
        # holds only the key (a row condition filters rows, so then the frame decides).
        features = None
        if not metric_domain_kwargs.get("row_condition"):
            features = prebuilt_for(columns, len(frame))
        if features is None:
            features = PartnerFeatures.of(columns, frame)
        clusters = link_partners(features, **settings.link_options())
        # The names of all clustered records in one look-up, then split per cluster.
        sizes = np.cumsum([len(c.rows) for c in clusters])[:-1]
        every = features.names(np.array([r for c in clusters for r in c.rows], dtype=np.int64))
        return {
            "rows": len(frame),
            "clusters": [c.to_dict() for c in clusters],
            "names": [part.tolist() for part in np.split(every, sizes)] if clusters else [],
        }


class ExpectTableRowsToHaveNoDuplicatePartners(BatchExpectation):
    """Expect no two records to be the same business partner (customer, supplier, contact).

    Records are the same partner when they share a VAT ID, IBAN, tax number or GLN; or share
    an e-mail address and have similar names; or have similar names (``threshold``, 0..1) at
    the same address (postal code, or city and street, or company for contacts). Columns that
    the table lacks are skipped. ``key_column`` names the records in ``details.clusters``.
    """

    # The defaults of duplicates.PartnerSettings.
    key_column: str | None = _COLUMNS.key
    name_columns: list[str] = list(_COLUMNS.name)  # noqa: RUF012 (a pydantic field, copied)
    street_column: str | None = _COLUMNS.street
    postal_code_column: str | None = _COLUMNS.postal_code
    city_column: str | None = _COLUMNS.city
    country_column: str | None = _COLUMNS.country
    company_column: str | None = _COLUMNS.company
    identifier_columns: list[str] = list(_COLUMNS.identifiers)  # noqa: RUF012
    threshold: float = DEFAULT_SETTINGS.threshold

    metric_dependencies: ClassVar[tuple[str, ...]] = (_METRIC,)
    success_keys: ClassVar[tuple[str, ...]] = _VALUE_KEYS
    domain_keys: ClassVar[tuple[str, ...]] = ("batch_id", "row_condition", "condition_parser")

    def _validate(
        self,
        metrics: dict,
        runtime_configuration: dict | None = None,
        execution_engine: Any = None,
    ) -> dict[str, Any]:
        found = metrics[_METRIC]
        clusters = found["clusters"]
        positions: list[int] = []
        names: list[Any] = []
        for cluster, shown in zip(clusters, found["names"], strict=True):
            positions.extend(cluster["rows"])
            names.extend(shown)
        rows = int(found["rows"])
        index: list[Any] = positions
        columns = self._index_columns(runtime_configuration)
        if columns and positions and execution_engine is not None:
            # As map expectations do: each failing row as {column: value} for the asked columns.
            frame, _, _ = execution_engine.get_compute_domain(
                {"batch_id": self.batch_id}, domain_type=MetricDomainTypes.TABLE
            )
            frame = frame.reset_index(drop=True)
            index = [{c: frame[c].iat[p] for c in columns} for p in positions]
        return {
            "success": not clusters,
            "result": {
                "observed_value": len(clusters),
                "element_count": rows,
                "unexpected_count": len(positions),
                "unexpected_percent": 100.0 * len(positions) / rows if rows else 0.0,
                "unexpected_index_list": index,
                "unexpected_list": names,
                "details": {
                    "clusters": [
                        {
                            "keys": c["keys"],
                            "rows": c["rows"],
                            "score": c["score"],
                            "reason": c["reason"],
                        }
                        for c in clusters
                    ]
                },
            },
        }

    def _index_columns(self, runtime_configuration: dict | None) -> list[str]:
        result_format = self._get_result_format(runtime_configuration=runtime_configuration)
        if not isinstance(result_format, dict):
            return []
        columns = result_format.get("unexpected_index_column_names") or []
        return [columns] if isinstance(columns, str) else [str(c) for c in columns]

    @classmethod
    def _prescriptive_template(
        cls, renderer_configuration: RendererConfiguration
    ) -> RendererConfiguration:
        renderer_configuration.add_param(name="threshold", param_type=RendererValueType.NUMBER)
        renderer_configuration.template_str = _SENTENCE[0].upper() + _SENTENCE[1:] + "."
        return renderer_configuration

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(
        cls,
        configuration: Any = None,
        result: Any = None,
        runtime_configuration: dict | None = None,
    ) -> list[RenderedStringTemplateContent]:
        if configuration is None and result is not None:
            configuration = getattr(result, "expectation_config", None)
        kwargs = dict(getattr(configuration, "kwargs", None) or {})
        styling = (runtime_configuration or {}).get("styling") or {}
        return [
            RenderedStringTemplateContent(
                content_block_type="string_template",
                string_template={
                    "template": _SENTENCE[0].upper() + _SENTENCE[1:] + ".",
                    "params": {
                        "threshold": kwargs.get("threshold", cls.__fields__["threshold"].default)
                    },
                    "styling": styling,
                },
            )
        ]
