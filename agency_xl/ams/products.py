"""Product names as the AMS writes them -> the canonical products of ``reports.PRODUCTS``.

The built-in names are ``reports.PRODUCT_ALIASES``; the owner's product mapping table
(``Mappings.products``) is added on top and wins. Names are compared without case and with
repeated spaces folded. Unknown names become "Other" and are returned so Data Health can list
them (the owner then adds them to the mapping table).
"""

from __future__ import annotations

import pandas as pd

from agency_xl.ams.data import Mappings
from agency_xl.ams.parse import map_distinct, to_text
from agency_xl.ams.reports import PRODUCT_ALIASES, PRODUCTS


def _key(name: str) -> str:
    return " ".join(str(name).lower().split())


def product_lookup(mappings: Mappings | None = None) -> dict[str, str]:
    """Folded name -> canonical product, the owner's names included."""
    lookup = {_key(k): v for k, v in PRODUCT_ALIASES.items()}
    lookup.update({_key(p): p for p in PRODUCTS})
    canonical = {_key(p): p for p in PRODUCTS}
    for name, target in (mappings.products if mappings else {}).items():
        # The owner may type "home" for "Home"; a target that is not a product is ignored.
        if _key(target) in canonical:
            lookup[_key(name)] = canonical[_key(target)]
    return lookup


def map_products(s: pd.Series, lookup: dict[str, str]) -> tuple[pd.Series, list[str]]:
    """Canonical product per cell (NaN for blank), and the sorted names that became Other."""
    text = to_text(s)
    names = [str(u) for u in pd.unique(text.dropna())]  # a few distinct names over many rows
    unknown = sorted({n for n in names if _key(n) not in lookup})
    return map_distinct(text, lambda n: lookup.get(_key(n), "Other")), unknown
