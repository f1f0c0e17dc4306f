"""Actions with names: the households (or leads) behind a sheet's "ask these 40 households for a
referral", "614 Auto-only households -> Home" or "open leads to call", one row each, so the owner
can work the list.

Every action list is a DataFrame with ``ACTION_COLUMNS``: id (household ID, or lead ID for leads),
name, phone, producer, reason (why this row is on the list, in the owner's words) and value ($, the
expected lifetime value of acting, as each list's figures module defines it), sorted by value,
highest first, then by id. Names and phones are personal data: they are filled only when Settings'
"Show personal data" is on (``general.show_personal_data``); off, both columns are empty here,
so nothing downstream (sheets, metrics, history) can show them.

Where a household's name, phone and producer come from: the book of business (Insured Name,
Phone, Producer). A household has several policies; the in-force policy with the largest annual
premium names it (its main policy), and a blank there is filled from its next policy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agency_xl.models import households as hh

ACTION_COLUMNS = ["id", "name", "phone", "producer", "reason", "value"]
CONTACT_FIELDS = {"name": "insured_name", "phone": "phone", "producer": "producer"}


def household_contacts(policies: pd.DataFrame, show_personal_data: bool) -> pd.DataFrame:
    """Name, phone and producer of every household with a policy in force, indexed by household
    ID: from its in-force policies, largest annual premium first, the first non-blank value of
    each. Name and phone are empty unless ``show_personal_data``."""
    active = policies[hh.in_force(policies)]
    active = active.sort_values(["annual_premium", "policy_number"], ascending=[False, True], kind="stable")
    out = pd.DataFrame(index=pd.Index(active["household_id"].dropna().unique(), name="household_id"))
    for col, fld in CONTACT_FIELDS.items():
        if fld not in active or (col != "producer" and not show_personal_data):
            out[col] = None
            continue
        values = active[fld].where(active[fld].astype("string").str.strip().ne("").fillna(False))
        out[col] = values.groupby(active["household_id"]).first().reindex(out.index).astype(object)
    return out.where(out.notna(), None)


def action_list(ids: pd.Series | list, reasons: pd.Series | list, values: pd.Series | list,
                contacts: pd.DataFrame | None, by_value: bool = True) -> pd.DataFrame:
    """One action row per id (``ACTION_COLUMNS``), with its reason and value ($, NaN when not
    measurable), the name, phone and producer looked up in ``contacts`` (``household_contacts``,
    or a frame of the same columns indexed by lead ID), sorted by value, highest first (not
    measurable last), then by id; ``by_value=False`` keeps the order given (a call queue's)."""
    t = pd.DataFrame({"id": list(ids), "reason": list(reasons),
                      "value": pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").to_numpy(float)})
    for col in ("name", "phone", "producer"):
        if contacts is not None and col in contacts and len(t):
            t[col] = t["id"].map(contacts[col]).astype(object)
        else:
            t[col] = None
    if by_value:
        t = t.sort_values(["value", "id"], ascending=[False, True], na_position="last", kind="stable")
    t = t[ACTION_COLUMNS].reset_index(drop=True)
    t[["name", "phone", "producer"]] = t[["name", "phone", "producer"]].astype(object).where(
        t[["name", "phone", "producer"]].notna(), None)
    return t


def empty_actions() -> pd.DataFrame:
    """An action list with no rows."""
    return action_list([], [], [], None)


def lead_contacts(leads: pd.DataFrame, show_personal_data: bool) -> pd.DataFrame:
    """Name, phone and producer of each lead of the lead log, indexed by lead ID (name and phone
    empty unless ``show_personal_data``)."""
    out = pd.DataFrame(index=pd.Index(leads["lead_id"], name="lead_id"))
    for col, fld in (("name", "lead_name"), ("phone", "phone"), ("producer", "producer")):
        keep = fld in leads and (col == "producer" or show_personal_data)
        out[col] = leads[fld].to_numpy(object) if keep else np.full(len(leads), None, dtype=object)
    out = out[~out.index.duplicated()]
    return out.where(out.notna(), None)
