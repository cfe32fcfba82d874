"""Writing output files atomically: a reader never sees half a file, a failure keeps the old one."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_text", "bounded_name", "umask"]

# File names are limited to 255 bytes (ext4, NTFS, SMB); names built from gate and check names
# stay well below that, leaving room for a time stamp, a suffix and an extension.
NAME_LIMIT = 80


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file renamed over it."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        # mkstemp makes the file private; an output is meant for others to read.
        os.chmod(tmp, 0o666 & ~umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def umask() -> int:
    """The process umask (read without changing it for longer than an instant)."""
    current = os.umask(0)
    os.umask(current)
    return current


def bounded_name(name: str, limit: int = NAME_LIMIT) -> str:
    """``name`` if it fits in ``limit`` characters, else a prefix plus a hash of the whole name.

    The hash keeps two long names that share their beginning apart.
    """
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return f"{name[: limit - len(digest) - 1]}-{digest}"
