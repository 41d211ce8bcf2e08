"""The crisis log of a run: one typed :class:`CrisisEvent` per crisis.

A :class:`CrisisEvent` is a :class:`~foedus.engine.crisis.CrisisResult` without its trace,
votes and step list, plus what the many-year model adds (the year, whether the aggressor holds
or is protected by a veto, who bore the burden, the share of world capability destroyed).
:meth:`CrisisEvent.to_dict` gives the JSON-ready dictionary a run has always written
(``RunResult.to_dict()["events"]``, ``foedus simulate --json``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from .crisis.result import CrisisResult


@dataclass(slots=True)
class CrisisEvent:
    """One crisis of a run. Floats that were undefined (NaN) are ``None``.

    State lists hold world codes. The fields, in the order of :meth:`to_dict`:
    """

    #: The attacking state.
    aggressor: str
    #: The attacked state.
    target: str
    #: The charter's id.
    charter: str
    #: Whether the attack engaged the institution (the target protected, the aggressor one it
    #: protects against, the target in the treaty area).
    in_scope: bool
    #: Whether the institution determined aggression (a determination step adopted).
    determined: bool
    #: Whether a veto blocked a step.
    vetoed: bool
    #: Who cast those vetoes.
    vetoed_by: list[str]
    #: Whether a fallback session (Uniting for Peace) was convened.
    ufp_session: bool
    #: The strongest obligation of any adopted step (bindingness weight x credibility).
    obligation: float
    #: Whether anybody sanctioned the aggressor.
    sanctions: bool
    #: Whether a force step was adopted.
    force_authorised: bool
    #: Whether peacekeepers deployed.
    peacekeeping: bool
    #: Members obliged to sanction or to fight.
    obligated: list[str]
    #: Third states that fought for the target.
    contributors: list[str]
    #: Third states that sanctioned the aggressor.
    sanctioners: list[str]
    #: The aggressor and the states that joined it.
    aggressor_side: list[str]
    #: Whether anybody resisted (a war was fought).
    war: bool
    #: Whether the aggressor won.
    aggressor_won: bool
    #: The defenders' chance of winning (0 without a war; None if undefined).
    p_defender_win: float | None
    #: Whether someone responded and the target's side was at least as strong as the aggressor's.
    effective: bool
    #: Capability destroyed in the war.
    capability_destroyed: float
    #: Capability the aggressor took from the target.
    capability_transferred: float
    #: Whether the target ceased to exist (state death).
    target_died: bool
    #: The target (where self-defence is allowed) and the contributors.
    defenders: list[str] = field(default_factory=list)
    #: Whether the aggressor claimed self-defence.
    claimed_self_defence: bool = False
    #: Ambiguity of attribution, rho.
    ambiguity: float = 0.0
    #: Third states' mean belief that the accused is the aggressor (None with no third state).
    mean_belief: float | None = None
    #: Whether the aggressor holds or is close to a veto (selective security).
    veto_protected: bool = False
    #: The fallback convened, if any.
    fallback: str | None = None
    #: Obligation to sanction (a determination's share carried over).
    obligation_sanctions: float = 0.0
    #: Obligation to contribute force (likewise).
    obligation_force: float = 0.0
    #: Strength of the aggressor's side at the target.
    strength_aggressor: float = 0.0
    #: Strength of the target's side.
    strength_defenders: float = 0.0
    #: The sanctioners' share of the world's capability (less the aggressor's).
    sanction_share: float = 0.0
    #: States that contributed peacekeepers.
    peacekeepers: list[str] = field(default_factory=list)
    #: Whether the aggressor consented to peacekeepers (None: not asked).
    consent_aggressor: bool | None = None
    #: Whether the target consented to peacekeepers (None: not asked).
    consent_target: bool | None = None
    #: Cost of the peacekeepers deployed.
    peacekeeping_cost: float = 0.0
    #: Whether the institution acted (in scope and it determined, sanctioned or members helped).
    institution_acted: bool = False
    #: Whether anybody helped the target.
    target_helped: bool = False
    #: Share of the obligated members that acted (None: nobody obligated).
    compliance: float | None = None
    #: The signal credibility learnt from (None: not in scope).
    credibility_signal: float | None = None
    #: The institution's credibility after the crisis.
    credibility_after: float = 1.0
    #: States that want to leave the institution.
    wants_exit: list[str] = field(default_factory=list)
    #: Why each of them wants to leave.
    exit_reasons: dict[str, str] = field(default_factory=dict)
    #: World capability before the crisis.
    capability_before: float = 0.0
    #: World capability after the crisis.
    capability_after: float = 0.0
    #: Rounds the war lasted (0: no war).
    war_rounds: int = 0
    #: States that joined the target's side after the first round (the war spread).
    spread_defenders: list[str] = field(default_factory=list)
    #: States that joined the aggressor's side after the first round.
    spread_aggressors: list[str] = field(default_factory=list)
    #: Delegation (engine/delegation.py): the lead state of authorised force (None: no lead,
    #: or delegation off).
    lead: str | None = None
    #: The share of its strength the lead committed (0: no willing lead; None: delegation off
    #: or force not authorised).
    lead_effort: float | None = None
    conceded: bool = False             # settled by a concession (engine/appeasement.py)
    concession_by: str | None = None   # "target" or "institution" (pressed)
    concession: float = 0.0            # the capability transferred by the concession
    #: The year of the crisis.
    year: int = 0
    #: Whether the aggressor holds or is protected by a veto (for the selective security gap).
    aggressor_veto: bool = False
    #: Capability (before the crisis) of each state that fought for the target.
    burden: dict[str, float] = field(default_factory=dict)
    #: Capability destroyed as a share of the world's at the time.
    destroyed_share: float = 0.0
    #: The target's share of the living states' capability before the crisis (its size class:
    #: :mod:`foedus.engine.benefit`).
    target_share: float = 0.0
    #: The living states' capability before the crisis (the denominator of the shares).
    world_capability: float = 0.0
    #: The kind of threat (a threat file's id: engine/threats.py); every crisis an aggressor of
    #: the model decides on is ``interstate-aggression``.
    threat: str = "interstate-aggression"
    #: Whether third states gave assistance short of fighting (kinds of threat other than
    #: interstate aggression; engine/threats.py).
    assistance: bool = False

    @classmethod
    def from_result(cls, res: CrisisResult, *, year: int, burden: dict[str, float],
                    destroyed_share: float) -> CrisisEvent:
        """The event of crisis ``res`` in ``year`` (lists and dicts copied, NaN as None)."""
        kw: dict[str, Any] = {}
        for name in _FROM_RESULT:
            v = getattr(res, name)
            tp = type(v)
            if tp in _KEPT:  # str, int, bool, None: kept as they are, without the checks below
                pass
            elif isinstance(v, list):
                v = list(v)
            elif isinstance(v, dict):
                v = dict(v)
            elif isinstance(v, float) and not math.isfinite(v):
                v = None
            kw[name] = v
        return cls(**kw, year=year, aggressor_veto=bool(res.veto_protected), burden=burden,
                   destroyed_share=destroyed_share)

    @property
    def responded(self) -> bool:
        """Whether at least one third state sanctioned or fought the aggressor."""
        return bool(self.contributors) or bool(self.sanctioners)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary, the same keys in the same order as before the type."""
        return {name: _plain(getattr(self, name)) for name in _FIELDS}

    # -- compatibility shim: dictionary-style reading ------------------------------------------


def _plain(v: Any) -> Any:
    """A field's JSON-ready value: lists and dicts copied, NaN as None."""
    if isinstance(v, list):
        return list(v)
    if isinstance(v, dict):
        return dict(v)
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


#: The types whose values an event keeps as they are (none is a list, a dict or a float).
_KEPT: frozenset[type] = frozenset({str, int, bool, type(None)})
_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(CrisisEvent))
_FIELD_SET = frozenset(_FIELDS)
#: The fields an event copies from its :class:`CrisisResult`.
_FROM_RESULT: tuple[str, ...] = tuple(
    f.name for f in fields(CrisisEvent)
    if f.name not in ("year", "aggressor_veto", "burden", "destroyed_share", "target_share",
                      "world_capability", "threat", "assistance"))

__all__ = ["CrisisEvent"]
