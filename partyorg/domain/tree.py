"""Materialized-path arithmetic for the organization tree (pure)."""

from __future__ import annotations

PATH_STEP = 5
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
MAX_SEGMENT = 36**PATH_STEP - 1


def encode_segment(n: int) -> str:
    """Fixed-width base-36 segment for the n-th child (n >= 1)."""
    if not 1 <= n <= MAX_SEGMENT:
        raise ValueError(f"segment out of range: {n}")
    out = []
    for _ in range(PATH_STEP):
        n, r = divmod(n, 36)
        out.append(_DIGITS[r])
    return "".join(reversed(out))


def child_path(parent_path: str, n: int) -> str:
    return parent_path + encode_segment(n)


def depth_of(path: str) -> int:
    if not path or len(path) % PATH_STEP:
        raise ValueError(f"malformed path: {path!r}")
    return len(path) // PATH_STEP


def parent_path(path: str) -> str:
    return path[:-PATH_STEP]


def ancestor_paths(path: str) -> list[str]:
    """All ancestors from the root down, the path itself excluded."""
    return [path[:i] for i in range(PATH_STEP, len(path), PATH_STEP)]


def is_descendant(path: str, of: str) -> bool:
    """True when ``path`` is ``of`` or lies below it."""
    return path.startswith(of)


def rebase(path: str, old_prefix: str, new_prefix: str) -> str:
    """The path of a node after its subtree root moved from old_prefix to new_prefix."""
    if not path.startswith(old_prefix):
        raise ValueError("path is not under the moved subtree")
    return new_prefix + path[len(old_prefix):]


def covering(paths: list[str]) -> list[str]:
    """The minimal set of prefixes covering the same subtrees (nested ones removed)."""
    out: list[str] = []
    for p in sorted(set(paths)):
        if not any(p.startswith(q) for q in out):
            out.append(p)
    return out
