"""Language choice and number/date formatting for German and English."""

from __future__ import annotations

from datetime import UTC, datetime

from kmu_dataguard.report.i18n import format_datetime, format_number, format_percent, resolve_lang


def test_resolve_lang_precedence():
    assert resolve_lang("en", "de", {"LANG": "de_DE.UTF-8"}) == "en"
    assert resolve_lang(None, "de", {"LANG": "en_US.UTF-8"}) == "de"
    assert resolve_lang(None, None, {"LANG": "de_AT.UTF-8"}) == "de"
    assert resolve_lang(None, None, {"LC_ALL": "C.UTF-8", "LANG": "de_DE.UTF-8"}) == "en"
    assert resolve_lang(None, None, {"LC_ALL": "de_CH", "LANG": "en_GB"}) == "de"
    assert resolve_lang(None, None, {}) == "en"


def test_numbers():
    assert format_number(1234.5, "de", 1) == "1.234,5"
    assert format_number(1234.5, "en", 1) == "1,234.5"
    assert format_number(1234567, "de") == "1.234.567"
    assert format_percent(1.6667, "de") == "1,7\u00a0%"
    assert format_percent(0.001, "en") == "<\u00a00.1\u00a0%"
    assert format_percent(0.0, "en") == "0.0\u00a0%"


def test_dates(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        moment = datetime(2026, 11, 28, 13, 3, tzinfo=UTC)
        assert format_datetime(moment, "de") == "28.11.2026 14:03 CET"
        assert format_datetime(moment, "en") == "2026-11-28 14:03 CET"
    finally:
        monkeypatch.undo()
        time.tzset()
