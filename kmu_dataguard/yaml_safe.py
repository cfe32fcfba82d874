"""Reading the user's YAML (``dataguard.yml``, connector profiles) so that it fails closed.

A small hostile or broken file must not take minutes, gigabytes or a traceback: every problem is
one :class:`ConfigError` line naming the file, the line and what to do. The loader refuses

* anything that is not a regular UTF-8 text file of at most :data:`MAX_BYTES` (a FIFO would
  block forever, a directory or device is a mistake);
* anchors and aliases that expand to more than :data:`MAX_NODES` values ("billion laughs"),
  and an alias inside its own anchor (a recursive structure);
* nesting deeper than :data:`MAX_DEPTH` (the composer and the validators recurse);
* duplicate keys in one mapping (YAML would silently keep the last one);
* numbers longer than :data:`MAX_NUMBER_CHARS` characters (Python refuses to convert them);
* tags other than plain YAML's (``!!python/...``, ``!!binary``, ``!custom`` ...).

Shared settings through anchors, aliases and merge keys (``<<: *defaults``) stay allowed.
Dates are read as text and a lone ``=`` is text, not PyYAML's unconstructible "value" tag.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
    ScalarEvent,
)
from yaml.nodes import MappingNode, ScalarNode

from kmu_dataguard.errors import ConfigError

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_NUMBER_CHARS",
    "load_yaml_file",
    "load_yaml_text",
]

MAX_BYTES = 1_000_000
MAX_DEPTH = 100
MAX_NODES = 100_000
MAX_NUMBER_CHARS = 64

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {"!", *(_CORE + t for t in ("str", "int", "float", "bool", "null", "seq", "map"))}
# Implicit resolutions we do not want: dates stay text, a lone "=" is text.
_DROPPED_RESOLVERS = {_CORE + "timestamp", _CORE + "value"}


class _Strict:
    """Mixed into a SafeLoader: refuses duplicate keys, huge numbers and bad explicit values."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._keys_checked: set[int] = set()

    def flatten_mapping(self, node: MappingNode) -> None:
        # Every mapping passes here before merge keys rewrite node.value, so only the keys
        # written in the mapping itself are compared (a key may override a merged one).
        if id(node) not in self._keys_checked:
            self._keys_checked.add(id(node))
            self._refuse_duplicate_keys(node)
        super().flatten_mapping(node)

    def _refuse_duplicate_keys(self, node: MappingNode) -> None:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _CORE + "merge":
                continue
            key = self.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {seen[key]}); keep one of them",
                    key_node.start_mark,
                )
            seen[key] = line

    def construct_plain(self, node: ScalarNode) -> Any:
        """An int, float or bool; a too long number or a wrong explicit tag is refused."""
        text = self.construct_scalar(node)
        tag = node.tag.removeprefix(_CORE)
        if tag != "bool" and len(text) > MAX_NUMBER_CHARS:
            raise ConstructorError(
                None,
                None,
                f"number of {len(text)} characters (at most {MAX_NUMBER_CHARS}); "
                "put it in quotes if it is text",
                node.start_mark,
            )
        try:
            return getattr(super(), f"construct_yaml_{tag}")(node)
        except (ValueError, KeyError):  # only reachable through an explicit !!int/!!float/!!bool
            raise ConstructorError(
                None, None, f"{text!r} is not a valid {tag}", node.start_mark
            ) from None


def _strict_loader(base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    resolvers = {
        first: [(tag, rx) for tag, rx in found if tag not in _DROPPED_RESOLVERS]
        for first, found in base.yaml_implicit_resolvers.items()
    }
    loader = type(f"Strict{base.__name__}", (_Strict, base), {"yaml_implicit_resolvers": resolvers})
    for tag in ("int", "float", "bool"):
        loader.add_constructor(_CORE + tag, _Strict.construct_plain)
    return loader


# libyaml's parser when PyYAML was built with it (fast, and it iterates where Python recurses).
_LOADER = _strict_loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_yaml_file(path: Path, what: str) -> Any:
    """Read ``path`` (a ``what``, e.g. "configuration file") and return its YAML data."""
    return load_yaml_text(_read_text(path, what), path)


def load_yaml_text(text: str, origin: str | os.PathLike[str]) -> Any:
    """Parse ``text`` with every limit of this module; ``origin`` names it in messages."""
    try:
        _check_events(text)
        loader = _LOADER(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: {_describe(exc)}") from None


def _read_text(path: Path, what: str) -> str:
    # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    try:
        _refuse_non_file(os.fstat(fd).st_mode, path, what)
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise ConfigError(
            f"{path}: {what} is larger than {MAX_BYTES:,} bytes; is it the right file?"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); "
            f"save the {what} as UTF-8"
        ) from None


def _refuse_non_file(mode: int, path: Path, what: str) -> None:
    if stat.S_ISDIR(mode):
        raise ConfigError(f"{path}: is a folder; give the path of the {what}")
    if not stat.S_ISREG(mode):
        raise ConfigError(
            f"{path}: not a regular file (a pipe, device or socket); give the path of the {what}"
        )


def _check_events(text: str) -> None:
    """Refuse deep nesting, alias bombs, recursive anchors and foreign tags before composing.

    One pass over the parser's events; the size of each anchored node is counted with its
    aliases expanded, so an alias costs what it would cost written out.
    """
    open_anchors: list[str | None] = []  # one entry per open collection
    sizes: dict[str, int] = {}  # anchor -> expanded node count, once its node is complete
    started: list[int] = []  # expanded count when each open collection started
    expanded = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, AliasEvent):
            if event.anchor in open_anchors:
                _fail(event, f"alias *{event.anchor} inside its own anchor (a recursive structure)")
            expanded += sizes.get(event.anchor, 1)  # an unknown alias is the composer's error
        elif isinstance(event, NodeEvent):
            _check_tag(event)
            expanded += 1
            if isinstance(event, ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            elif isinstance(event, CollectionStartEvent):
                open_anchors.append(event.anchor)
                started.append(expanded - 1)
                if len(open_anchors) > MAX_DEPTH:
                    _fail(event, f"nested more than {MAX_DEPTH} levels deep; flatten the structure")
        elif isinstance(event, CollectionEndEvent):
            anchor, start = open_anchors.pop(), started.pop()
            if anchor is not None:
                sizes[anchor] = expanded - start
        if expanded > MAX_NODES:
            _fail(
                event,
                f"aliases expand to more than {MAX_NODES:,} values; "
                "write the shared part out or use fewer aliases",
            )


def _check_tag(event: NodeEvent) -> None:
    tag = getattr(event, "tag", None)
    if tag is not None and tag not in _ALLOWED_TAGS:
        shown = "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag
        _fail(
            event,
            f"tag {shown!r} is not allowed; use plain YAML "
            "(mappings, lists, text, numbers, true/false, null)",
        )


def _fail(event: Any, problem: str) -> None:
    raise yaml.MarkedYAMLError(problem=problem, problem_mark=event.start_mark)


# What to do about libyaml's own limits (it stops flow nesting at 1000 levels itself).
_HINTS = {"exceeded maximum nesting depth": f"; nest at most {MAX_DEPTH} levels"}


def _describe(exc: yaml.YAMLError) -> str:
    """One line: where (line, column) and what, from any PyYAML/libyaml error."""
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, yaml.reader.ReaderError):
        character = exc.character
        shown = f"#x{character:04x}" if isinstance(character, int) else repr(character)
        where, problem = f"position {exc.position}", f"character {shown} is not allowed in YAML"
    else:
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        problem += _HINTS.get(problem, "")
    text = " ".join(f"{where}: {problem}".split()) if where else " ".join(problem.split())
    return text
