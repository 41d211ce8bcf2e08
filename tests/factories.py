"""Small builders shared by the tests."""

from __future__ import annotations

from foedus.engine import CrisisEvent


def crisis_event(**kw: object) -> CrisisEvent:
    """A crisis event with every required field at a neutral value, overridden by ``kw``."""
    base: dict[str, object] = dict(
        aggressor="X", target="Y", charter="c", in_scope=False, determined=False, vetoed=False,
        vetoed_by=[], ufp_session=False, obligation=0.0, sanctions=False, force_authorised=False,
        peacekeeping=False, obligated=[], contributors=[], sanctioners=[], aggressor_side=[],
        war=False, aggressor_won=False, p_defender_win=None, effective=False,
        capability_destroyed=0.0, capability_transferred=0.0, target_died=False)
    return CrisisEvent(**{**base, **kw})  # type: ignore[arg-type]
