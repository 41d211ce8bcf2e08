"""What a run sends back and the results store keeps: its metrics, its yearly series in a
compact form, and its crisis log (one row per crisis)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..engine.benefit import size_of
from ..engine.events import CrisisEvent

#: Columns of the crisis log a run keeps (one row per crisis; the store's ``events`` table).
#: ``target_size`` is the target's size class at the crisis (small, middle, great:
#: :mod:`foedus.engine.benefit`; stores written before it have it empty). ``threat`` is the kind
#: of threat (:mod:`foedus.engine.threats`; ``interstate-aggression`` for the crises the model's
#: aggressors decide on), ``acted`` whether the institution acted (a determination, an automatic
#: obligation or force authorised, in scope) and ``force``, ``assistance``, ``peacekeeping``
#: what third states delivered (with ``sanctions``).
CRISIS_LOG = {"year": "int", "aggressor": "str", "target": "str", "in_scope": "bool",
              "determined": "bool", "vetoed": "bool", "ufp_session": "bool", "sanctions": "bool",
              "responded": "bool", "coalition_size": "int", "obligated": "int",
              "effective": "bool", "aggressor_won": "bool", "target_died": "bool",
              "aggressor_veto": "bool", "target_size": "str", "threat": "str", "acted": "bool",
              "force": "bool", "assistance": "bool", "peacekeeping": "bool"}


def crisis_log(events: Sequence[CrisisEvent]) -> list[dict[str, Any]]:
    """A run's crises as compact rows with the :data:`CRISIS_LOG` columns."""
    return [{"year": e.year, "aggressor": e.aggressor, "target": e.target,
             "in_scope": bool(e.in_scope), "determined": bool(e.determined),
             "vetoed": bool(e.vetoed), "ufp_session": bool(e.ufp_session),
             "sanctions": bool(e.sanctions), "responded": bool(e.responded),
             "coalition_size": len(e.contributors), "obligated": len(e.obligated),
             "effective": bool(e.effective), "aggressor_won": bool(e.aggressor_won),
             "target_died": bool(e.target_died), "aggressor_veto": bool(e.aggressor_veto),
             "target_size": size_of(e.target_share), "threat": e.threat,
             "acted": bool(e.in_scope and (e.determined or e.force_authorised)),
             "force": bool(e.contributors), "assistance": bool(e.assistance),
             "peacekeeping": bool(e.peacekeeping)}
            for e in events]


def series_payload(series: Any) -> dict[str, Any] | None:
    """A run's yearly series (a DataFrame or a dict of columns, with ``year``) as the compact
    form workers send: ``{"year": ints, "variables": names, "values": years x variables}``
    (numeric columns only); None without a ``year`` column."""
    if series is None:
        return None
    if hasattr(series, "select_dtypes"):
        num = series.select_dtypes(include=["number", "bool"])
        names = [str(c) for c in num.columns]
        values = num.to_numpy(dtype=np.float64)
    else:
        cols = {str(k): np.asarray(v) for k, v in dict(series).items()}
        names = [k for k, a in cols.items() if a.dtype.kind in "biuf"]
        if not names:
            return None
        values = np.column_stack([cols[k].astype(np.float64) for k in names])
    if "year" not in names:
        return None
    j = names.index("year")
    keep = [i for i in range(len(names)) if i != j]
    return {"year": values[:, j].astype(np.int32), "variables": [names[i] for i in keep],
            "values": np.ascontiguousarray(values[:, keep])}


__all__ = ["CRISIS_LOG", "crisis_log", "series_payload"]
