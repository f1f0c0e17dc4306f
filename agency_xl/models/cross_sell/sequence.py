"""Cross-sell, part 1: the owner's product sequence (Auto -> Home/Condo/Renters -> Umbrella ->
Life by default), read from its text, and the next product a household should be offered."""

from __future__ import annotations

import re
from typing import Iterable

from agency_xl.vocabulary import PRODUCT_ALIASES, PRODUCTS

DEFAULT_SEQUENCE = "Auto, Home/Condo/Renters, Umbrella, Life"


def canonical_product(name: str) -> str | None:
    """The canonical product for an AMS or owner name ("HO-3" -> "Home"), None when unknown."""
    key = re.sub(r"\s+", " ", str(name).strip().lower())
    if key in PRODUCT_ALIASES:
        return PRODUCT_ALIASES[key]
    for p in PRODUCTS:
        if p.lower() == key:
            return p
    return None


def split_products(text: str) -> list[str]:
    """The product names in a combination written as text: "Auto+Home", "Auto, Home", "Auto & Home".
    Names are returned as written (trimmed); empty parts are dropped."""
    return [p.strip() for p in re.split(r"[+,;&]", str(text)) if p.strip()]


def parse_sequence(text: str) -> tuple[tuple[str, ...], ...]:
    """The product sequence as steps of canonical products.

    Steps are separated by commas, ";", ">" or "->"; "a/b/c" means any of a, b, c fills the step
    (the first one is the product recommended). Raises ValueError naming an unknown product, a
    product listed twice, or an empty sequence.

    >>> parse_sequence("Auto, Home/Condo, Umbrella")
    (('Auto',), ('Home', 'Condo'), ('Umbrella',))
    """
    steps: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for part in re.split(r"->|→|[,;>]", str(text)):
        names = [n.strip() for n in re.split(r"[/|]", part) if n.strip()]
        if not names:
            continue
        step = []
        for n in names:
            p = canonical_product(n)
            if p is None:
                raise ValueError(f"product sequence: {n!r} is not a known product "
                                 f"(known: {', '.join(PRODUCTS)})")
            if p in seen:
                raise ValueError(f"product sequence: {p} is listed twice")
            seen.add(p)
            step.append(p)
        steps.append(tuple(step))
    if not steps:
        raise ValueError("product sequence is empty; expected e.g. 'Auto, Home, Umbrella, Life'")
    return tuple(steps)


def next_products(held: Iterable[str], sequence: str | tuple[tuple[str, ...], ...] = DEFAULT_SEQUENCE,
                  ) -> list[str]:
    """Every product still to offer, in sequence order: the first product of each step the
    household holds none of. ``held``: canonical product names."""
    steps = parse_sequence(sequence) if isinstance(sequence, str) else sequence
    have = set(held)
    return [step[0] for step in steps if not have.intersection(step)]


def next_product(held: Iterable[str], sequence: str | tuple[tuple[str, ...], ...] = DEFAULT_SEQUENCE,
                 ) -> str | None:
    """The next product to offer: the first step of the sequence the household holds none of;
    None when it holds every step.

    >>> next_product(["Auto"]), next_product(["Auto", "Renters"]), next_product(["Home"])
    ('Home', 'Umbrella', 'Auto')
    """
    rest = next_products(held, sequence)
    return rest[0] if rest else None
