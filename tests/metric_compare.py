"""Comparing two `metrics` results figure by figure: nested dicts and lists of dicts flattened to
dotted paths ("segments.avg_ltv_by_tier.Elite"), numbers equal to 1e-9 relative."""

from __future__ import annotations

import math
from typing import Any


def flatten(x: Any, path: str = "") -> dict[str, Any]:
    if isinstance(x, dict):
        out: dict[str, Any] = {}
        for k, v in x.items():
            out.update(flatten(v, f"{path}.{k}" if path else str(k)))
        return out
    if isinstance(x, list) and x and isinstance(x[0], dict):
        out = {}
        for i, v in enumerate(x):
            out.update(flatten(v, f"{path}[{i}]"))
        return out
    return {path: x}


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def changed(base: dict, other: dict, ignore: tuple[str, ...] = ()) -> dict[str, Any]:
    """The figures of two flattened results that differ, with ``other``'s value."""
    keys = set(base) | set(other)
    return {k: other.get(k) for k in keys if not k.startswith(ignore) and not same(base.get(k), other.get(k))}
