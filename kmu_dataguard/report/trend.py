"""A check's trend: its failing records over the last runs, as a small inline SVG bar chart.

Pure: points in, markup out. The SVG has no script, no link and no reference to anything outside
itself (not even an ``xmlns``: the HTML parser puts ``<svg>`` in its namespace), so the report's
Content-Security-Policy has nothing to allow. Hostile values cannot get in: counts pass through
``int``, dates are formatted here, verdicts only pick a CSS class from a fixed set, and every
text is escaped. Colours are the page's (``.bar.pass`` … in report.html.j2), so a bar is
coloured like the verdict badge of its run.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from kmu_dataguard.report.i18n import Lang, Texts, format_datetime, format_number
from kmu_dataguard.report.since import failing_records
from kmu_dataguard.results import CheckResult, GateResult, TrendPoint

__all__ = ["trend_points", "trend_svg"]

_VERDICTS = frozenset({"pass", "warn", "blocked", "error"})
_PLOT_W = 280  # width of the bars' area
_PLOT_H = 56  # height of the tallest bar
_TOP = 14  # room above the tallest bar for the current run's count
_DIGIT_W = 6.2  # width of one character at the chart's 10px font, for the y label's margin
_MAX_BAR_W = 28  # a few runs still look like bars, not like a wall
_STUB_H = 1.5  # a run without failing records still shows (as a thin green line)


def trend_points(check: CheckResult, result: GateResult) -> list[TrendPoint]:
    """The check's earlier runs from the history, oldest first, and this run last."""
    earlier = check.history.trend if check.history is not None else []
    now = TrendPoint(
        result.run_id or "",
        result.started_at,
        str(check.verdict),
        failing_records(check),
        check.rows,
    )
    return [*earlier, now]


def trend_svg(points: Sequence[TrendPoint], lang: Lang) -> Markup:
    """Bars of failing records per run, the last one (this run) highlighted; empty without points.

    The chart is labelled for screen readers (``role="img"`` and its ``<title>``: "Records with
    problems over the last 8 runs: 12 → 11"); every bar has its own title with date and count.
    """
    if not points:
        return Markup("")
    t = Texts(lang)
    counts = [max(0, int(p.failing_records)) for p in points]
    top = max(counts)
    top_label = format_number(top, lang)
    first = format_datetime(points[0].started_at, lang)
    last = format_datetime(points[-1].started_at, lang)
    left = round(8 + _DIGIT_W * len(top_label), 1)
    # wide enough for the first and the last date side by side (long zone names on Windows)
    plot_w = max(_PLOT_W, round(_DIGIT_W * (len(first) + len(last)) + 12))
    base = _TOP + _PLOT_H
    width = round(left + plot_w + 4, 1)
    height = base + 16
    slot = plot_w / len(points)
    bar_w = min(slot * 0.7, _MAX_BAR_W)

    if len(points) == 1:
        label = t("trend.label_one", n=format_number(counts[0], lang))
    else:
        label = t(
            "trend.label",
            runs=len(points),
            first=format_number(counts[0], lang),
            last=format_number(counts[-1], lang),
        )
    parts = [
        f'<svg class="trend-chart" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(label)}</title>",
        f'<line class="axis" x1="{left - 2}" y1="{_TOP}" x2="{left - 2}" y2="{base}"/>',
        f'<line class="axis" x1="{left - 2}" y1="{base}" x2="{left + plot_w}" y2="{base}"/>',
        _text(left - 5, base, "end", "0"),
    ]
    if top > 0:
        parts.append(_text(left - 5, _TOP + 4, "end", top_label))
    for i, (point, count) in enumerate(zip(points, counts, strict=True)):
        now = i == len(points) - 1
        h = max(count / top * _PLOT_H, 2.0) if count and top else _STUB_H
        x = round(left + i * slot + (slot - bar_w) / 2, 1)
        verdict = point.verdict if point.verdict in _VERDICTS else "unknown"
        when = format_datetime(point.started_at, lang)
        verdict_label = t(f"verdict.{verdict}") if verdict in _VERDICTS else "?"
        tip = t("trend.bar", when=when, n=format_number(count, lang), verdict=verdict_label)
        if now:
            tip = f"{t('trend.now')}, {tip}"
        parts.append(
            f'<rect class="bar {verdict}{" now" if now else ""}" x="{x}" '
            f'y="{round(base - h, 1)}" width="{round(bar_w, 1)}" height="{round(h, 1)}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        if now:  # the current count above its bar, right-aligned so it never leaves the chart
            number = format_number(count, lang)
            parts.append(_text(x + bar_w, base - h - 3, "end", number, "now"))
    parts.append(_text(left, height - 2, "start", first))
    if len(points) > 1:
        parts.append(_text(left + plot_w, height - 2, "end", last))
    parts.append("</svg>")
    return Markup("".join(parts))


def _text(x: float, y: float, anchor: str, text: str, css: str = "label") -> str:
    return (
        f'<text class="{css}" x="{round(x, 1)}" y="{round(y, 1)}" text-anchor="{anchor}">'
        f"{escape(text)}</text>"
    )
