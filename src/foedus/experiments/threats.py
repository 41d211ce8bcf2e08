"""The agenda of each system by kind of threat (issue 18; docs/threats.md, worked experiment).

:func:`threat_agenda` reads a comparison's crisis log (``Comparison.events``, with its
``threat`` and ``acted`` columns: :data:`foedus.experiments.records.CRISIS_LOG`) and says, per
system and kind of threat, how many crises came per run, how many the institution acted on per
run (a determination, Art. 5 invoked, force authorised), and what share of the institution's
agenda (the crises it acted on) the kind was. The metrics per kind with their intervals are in
the comparison's table (``threat_*`` metrics, :mod:`foedus.engine.metrics`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .._errors import FoedusError

#: Columns of :func:`threat_agenda`.
AGENDA_COLUMNS = ("charter", "threat", "crises_per_run", "acted_per_run", "runs_with_action",
                  "agenda_share")


def threat_agenda(events: pd.DataFrame, runs: int, charters: Sequence[str] | None = None
                  ) -> pd.DataFrame:
    """Per system and kind of threat: crises and crises acted on per run (``runs`` runs per
    system), the share of the runs in which the institution acted at least once on the kind,
    and the kind's share of the crises the institution acted on (NaN when it never acted)."""
    if int(runs) < 1:
        raise FoedusError(f"runs must be at least 1, got {runs}")
    missing = [c for c in ("charter", "replication", "threat", "acted") if c not in events]
    if missing:
        raise FoedusError(f"the crisis log lacks the columns {', '.join(missing)} (a store "
                          "written before the kinds of threat?)")
    systems = list(charters) if charters is not None else list(dict.fromkeys(events["charter"]))
    rows = []
    for c in systems:
        ev = events[events["charter"] == c]
        acted_total = int(ev["acted"].sum())
        for kind in dict.fromkeys(ev["threat"]):
            k = ev[ev["threat"] == kind]
            acted = k[k["acted"].astype(bool)]
            rows.append({"charter": c, "threat": kind, "crises_per_run": len(k) / runs,
                         "acted_per_run": len(acted) / runs,
                         "runs_with_action": acted["replication"].nunique() / runs,
                         "agenda_share": len(acted) / acted_total if acted_total else float("nan")})
    return pd.DataFrame(rows, columns=list(AGENDA_COLUMNS))


__all__ = ["AGENDA_COLUMNS", "threat_agenda"]
