"""Fuzzing the loaders: whatever the file holds, the only failure is a one-line DataguardError.

Random YAML-ish text, random structures dumped to YAML, random bytes and mutations of a valid
dataguard.yml and of every built-in connector profile go through ``load_config`` and
``load_profile``. A ConfigError (exit 2) is the expected refusal; any other exception type is a
crash that would bypass the JSON document and the exit-code contract.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kmu_dataguard.config import load_config
from kmu_dataguard.errors import DataguardError
from kmu_dataguard.paths import builtin_dir
from kmu_dataguard.sources.profiles import load_profile
from tests.test_config import GOOD

FUZZ = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

RICH = (
    GOOD
    + """\
references:
  contacts_have_customer:
    from: {check: contacts, column: customer_id}
    to: {check: customers}
    agree: [{from: country, to: country, compare: equal, severity: warning}]
report_keep: 3
lang: de
"""
)
PROFILES = sorted(builtin_dir("connectors").glob("*.yml"))
CONFIG_KEYS = [
    *("version", "sources", "checks", "references", "gates", "suites_dir", "connectors_dir"),
    *("report_dir", "report_keep", "lang", "path", "url", "profile", "format", "sheet"),
    *("encoding", "delimiter", "source", "suite", "entity", "table", "query", "key", "checks"),
    *("fail_on", "description", "from", "to", "check", "column", "agree", "compare"),
    *("threshold", "severity", "allow_empty", "erp", "crm", "customers", "contacts"),
]
PROFILE_KEYS = [
    *("name", "title", "kind", "entities", "docs", "notes", "customers", "contacts", "articles"),
    *("suppliers", "key", "columns", "optional", "null_values", "numeric", "decimal", "split"),
    *("query", "pattern", "from", "customer_id", "name", "postal_code", "city", "file", "sql"),
]
# What a UTF-8 file can hold: no lone surrogates (they cannot be written at all).
CHARS = st.characters(blacklist_categories=("Cs",))
YAML_TOKENS = [*"ab1:-[]{}&*!|>'\"#\n ,?%@`.~=<\\$", "${X}", "<<", "!!", "\t", "é"]


def yaml_text(max_size: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(YAML_TOKENS) | CHARS, max_size=max_size).map("".join)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(CHARS, max_size=30),
    st.sampled_from(["1", "sqlite:///x.db", "customers", "contacts", "file", "${HOME}", "a.csv"]),
)


def structures(keys: list[str]) -> st.SearchStrategy[Any]:
    key = st.sampled_from(keys) | st.text(CHARS, max_size=12)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(key, inner, max_size=5),
        max_leaves=25,
    ) | st.dictionaries(st.sampled_from(keys), scalars, max_size=6)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in ``value`` (to mappings, lists and scalars alike)."""
    found = [prefix]
    if isinstance(value, dict | list):
        for key, inner in value.items() if isinstance(value, dict) else enumerate(value):
            found += _paths(inner, (*prefix, key))
    return found


def _replace(seed: Any, path: tuple[Any, ...], new: Any, rename: bool) -> Any:
    data = copy.deepcopy(seed)
    *parents, last = path
    holder = data
    for key in parents:
        holder = holder[key]
    if rename and isinstance(holder, dict) and isinstance(new, str | int | None):
        holder[new] = holder.pop(last)
    else:
        holder[last] = new
    return data


def replaced(seed: Any, keys: list[str]) -> st.SearchStrategy[Any]:
    """``seed`` (a valid file's data) with one value replaced or one key renamed."""
    nasty = st.one_of(
        scalars,
        st.text(CHARS, min_size=60, max_size=400),
        st.text(st.characters(min_codepoint=48, max_codepoint=122), min_size=256, max_size=300),
        st.sampled_from(["a/" * 200 + "x.json", "x" * 300, "/dev/null", "/", ".", "~nobody/x"]),
        st.sampled_from(["a\0b", "../connectors/odoo.yml", "x.yml", "-1", "0", "${NOPE}"]),
        st.lists(scalars, max_size=3),
        st.dictionaries(st.sampled_from(keys) | st.text(CHARS, max_size=5), scalars, max_size=3),
    )
    rename = st.sampled_from([False, False, False, True])
    return st.builds(_replace, st.just(seed), st.sampled_from(_paths(seed)[1:]), nasty, rename)


def mutated(text: str) -> st.SearchStrategy[str]:
    """``text`` with a few characters deleted, replaced or inserted at random places."""
    edit = st.tuples(
        st.integers(0, len(text)),
        st.integers(0, 4),
        yaml_text(4),
    )

    def apply(edits: list[tuple[int, int, str]]) -> str:
        out = text
        for at, cut, insert in edits:
            at = min(at, len(out))
            out = out[:at] + insert + out[at + cut :]
        return out

    return st.lists(edit, min_size=1, max_size=4).map(apply)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def fails_closed(load: Callable[[Path], object], path: Path, content: str | bytes) -> None:
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    try:
        load(path)
    except DataguardError as exc:  # any other exception type fails the test
        assert exc.exit_code in (2, 3)
        assert "\n" not in str(exc)
        assert str(exc).strip()


def config(folder: Path) -> tuple[Callable[[Path], object], Path]:
    return load_config, folder / "dataguard.yml"


def profile(folder: Path) -> tuple[Callable[[Path], object], Path]:
    return load_profile, folder / "fuzzed.yml"


def test_the_seeds_are_valid(folder):
    path = folder / "dataguard.yml"
    path.write_text(RICH, encoding="utf-8")
    assert "contacts_have_customer" in load_config(path).references
    for file in PROFILES:
        assert load_profile(file).name == file.stem


@FUZZ
@given(text=yaml_text(200))
def test_random_text(folder, text):
    for target in (config, profile):
        fails_closed(*target(folder), text)


@FUZZ
@given(data=structures(CONFIG_KEYS))
@example(data={"suites_dir": "\n"})  # found by the fuzzer: a line break in a folder's path
def test_random_config_structures(folder, data):
    fails_closed(*config(folder), yaml.safe_dump(data, allow_unicode=True))


@FUZZ
@given(data=structures(PROFILE_KEYS))
def test_random_profile_structures(folder, data):
    fails_closed(*profile(folder), yaml.safe_dump(data, allow_unicode=True))


@FUZZ
@given(content=st.binary(max_size=300))
def test_random_bytes(folder, content):
    for target in (config, profile):
        fails_closed(*target(folder), content)


@FUZZ
@given(data=replaced(yaml.safe_load(RICH), CONFIG_KEYS))
def test_config_with_one_value_replaced(folder, data):
    fails_closed(*config(folder), yaml.safe_dump(data, allow_unicode=True))


@FUZZ
@given(
    data=st.sampled_from(PROFILES).flatmap(
        lambda p: replaced(yaml.safe_load(p.read_text(encoding="utf-8")), PROFILE_KEYS)
    )
)
def test_profile_with_one_value_replaced(folder, data):
    fails_closed(*profile(folder), yaml.safe_dump(data, allow_unicode=True))


@FUZZ
@given(text=mutated(RICH))
def test_mutated_config(folder, text):
    fails_closed(*config(folder), text)


@FUZZ
@given(seed=st.sampled_from(PROFILES).flatmap(lambda p: mutated(p.read_text(encoding="utf-8"))))
def test_mutated_profiles(folder, seed):
    fails_closed(*profile(folder), seed)
