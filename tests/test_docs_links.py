"""Every relative link in the README and the docs points to a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PAGES = sorted(
    [
        ROOT / "README.md",
        *ROOT.glob("docs/**/*.md"),
        *ROOT.glob("bench/**/*.md"),
        *ROOT.glob("examples/**/*.md"),
    ],
)
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def relative_links(text: str) -> list[str]:
    """The link targets of a markdown text that are neither URLs nor in-page anchors."""
    text = _CODE.sub("", _FENCE.sub("", text))
    targets = [m.group(1) for m in _LINK.finditer(text)]
    return [t for t in targets if not re.match(r"^(?:[a-z][a-z0-9+.-]*:|#)", t, re.IGNORECASE)]


def test_the_link_finder_finds_links_and_skips_urls_and_code():
    text = (
        "[a](docs/a.md) [b](../b.md#part) ![c](img/c.png) [d](https://x.de) [e](#top)\n"
        "`[f](f.md)`\n```\n[g](g.md)\n```\n[h](mailto:x@y.de)"
    )
    assert relative_links(text) == ["docs/a.md", "../b.md#part", "img/c.png"]


def test_there_are_pages_to_check():
    names = {p.relative_to(ROOT).as_posix() for p in PAGES}
    assert {"README.md", "docs/de/steward.md", "docs/en/steward.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path):
    broken = []
    for target in relative_links(page.read_text(encoding="utf-8")):
        path = target.split("#", 1)[0]
        if path and not (page.parent / path).exists():
            broken.append(target)
    assert not broken, f"{page.relative_to(ROOT)}: links to missing files: {broken}"
