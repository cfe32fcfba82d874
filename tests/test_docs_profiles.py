"""docs/profiles.md stays true: every key the loader accepts is documented, the example runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kmu_dataguard.cli import main
from kmu_dataguard.sources.profiles import loading as profiles

DOC = (Path(__file__).parents[1] / "docs" / "profiles.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "key",
    sorted(
        profiles._PROFILE_KEYS
        | profiles._ENTITY_KEYS
        | profiles._SPLIT_KEYS
        | profiles._COMPUTED_KEYS
        | {"connectors_dir"}
    ),
)
def test_every_profile_key_is_documented(key):
    assert f"`{key}`" in DOC, f"docs/profiles.md does not mention `{key}`"


def _block(text: str, fence: str) -> str:
    return text.split(f"```{fence}\n", 1)[1].split("```", 1)[0]


def test_the_kunden_csv_example_passes(tmp_path, capsys):
    example = DOC.split("## A complete example: Kunden.csv", 1)[1]
    (tmp_path / "Kunden.csv").write_text(_block(example, "text"), encoding="utf-8")
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "kundenliste.yml").write_text(_block(example, "yaml"), "utf-8")
    command = _block(example.split("```yaml\n", 1)[1], "sh").split()
    assert command[:2] == ["dataguard", "check"]
    args = [str(tmp_path / a) if a in ("Kunden.csv", "profiles") else a for a in command[2:]]
    code = main(["check", *args, "--format", "json"])
    assert code == 0, capsys.readouterr().out


def test_readme_points_to_the_profile_docs():
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "docs/profiles.md" in readme and "--map" in readme and "computed" in readme
