"""The state of one crisis in progress, handed from phase to phase.

:func:`open_crisis` checks the arguments of :func:`foedus.engine.run_crisis`, maps the charter
onto the world when no institution is given, and starts the :class:`CrisisResult`. Each phase
(attribution, deliberation, response, war, peacekeeping, aftermath) reads the world through a
:class:`Crisis` and writes what it decides into ``crisis.res`` and ``crisis.trace``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..._errors import FoedusError
from ...rules.charter import Charter, load_charter
from ...world.world import World
from ..behaviour import Behaviour
from ..delegation import Delegation
from ..institution import Institution
from .result import CrisisResult, TraceEntry

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@dataclass
class Crisis:
    """One aggression of state ``a`` against state ``t`` under ``inst``'s charter."""

    world: World
    inst: Institution
    beh: Behaviour
    rng: np.random.Generator
    cred: float          # the institution's credibility, in [0, 1], scaling every obligation
    a: int               # the aggressor's index
    t: int               # the target's index
    res: CrisisResult
    #: states whose Charter obligations prevail over other treaties (UN Charter Art. 103): in
    #: an architecture, those the council obliges do not join the aggressor (engine/architecture.py)
    bound: BoolArray | None = None
    #: choices fixed from outside (a player): state index -> {"vote", "sanction", "force"}
    choices: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: whether the trace is kept (the many-year model asks for none: the vote reasons are then
    #: not translated back into the world's codes)
    tracing: bool = True
    #: authorised force delegated to a lead state (engine/delegation.py); None: off
    delegation: Delegation | None = None

    @property
    def charter(self) -> Charter:
        """The charter the crisis is played under."""
        return self.inst.charter

    @property
    def trace(self) -> list[TraceEntry]:
        """The crisis trace (the result's, appended to by every phase)."""
        return self.res.trace

    @property
    def A(self) -> str:
        """The aggressor's code."""
        return self.world.codes[self.a]

    @property
    def T(self) -> str:
        """The target's code."""
        return self.world.codes[self.t]

    def codes(self, mask: BoolArray) -> list[str]:
        """The codes of the states selected by ``mask``."""
        codes = self.world.codes
        return [codes[i] for i in np.flatnonzero(mask).tolist()]

    def third_states(self) -> BoolArray:
        """Living states other than the two parties."""
        idx = np.arange(self.world.n)
        return np.asarray(self.world.alive.astype(bool) & (idx != self.a) & (idx != self.t))


def state_index(world: World, state: int | str) -> int:
    """The index of ``state`` (an index or a code) in ``world``; an error when it is not there."""
    if isinstance(state, int | np.integer):
        i = int(state)
        if not 0 <= i < world.n:
            raise FoedusError(f"state index {i} is not in this world of {world.n} states")
        return i
    return world.index(str(state))


def open_crisis(world: World, charter: str | Charter, aggressor: int | str, target: int | str, *,
                rng: np.random.Generator, beh: Behaviour, credibility: float,
                institution: Institution | None) -> Crisis:
    """Check the arguments, map the charter onto the world if needed, start the result."""
    if not 0.0 <= float(credibility) <= 1.0:
        raise FoedusError(f"credibility must lie in [0, 1], got {credibility}")
    cred = float(credibility)
    ch = load_charter(charter)
    a, t = state_index(world, aggressor), state_index(world, target)
    if a == t:
        raise FoedusError(f"a state cannot attack itself ({world.codes[a]})")
    inst = institution if institution is not None else Institution.in_world(ch, world, rng)
    if inst.charter.id != ch.id:
        raise FoedusError(f"institution is for charter {inst.charter.id!r}, not {ch.id!r}")
    if len(inst.codes) != world.n:
        raise FoedusError(f"institution was mapped onto a world of {len(inst.codes)} states, "
                          f"this one has {world.n}")
    # read the world as it is now (the model may have replaced these arrays)
    inst.alive, inst.affinity, inst.region = world.alive, world.affinity, world.region
    cap0 = float(world.capability.sum())
    res = CrisisResult(aggressor=world.codes[a], target=world.codes[t], charter=ch.id,
                       in_scope=False, determined=False, vetoed=False, vetoed_by=[],
                       ufp_session=False, obligation=0.0, sanctions=False,
                       force_authorised=False, peacekeeping=False, obligated=[], contributors=[],
                       sanctioners=[], aggressor_side=[], war=False, aggressor_won=False,
                       p_defender_win=float("nan"), effective=False, capability_destroyed=0.0,
                       capability_transferred=0.0, target_died=False, trace=[],
                       credibility_after=cred, capability_before=cap0, capability_after=cap0)
    return Crisis(world=world, inst=inst, beh=beh, rng=rng, cred=cred, a=a, t=t, res=res)



#: What a player may fix for a state: its vote, and whether it sanctions and fights.
CHOICE_KEYS = {"vote": ("yes", "no", "abstain", "absent"), "sanction": (True, False),
               "force": (True, False)}


def player_choices(world: World, choices: Mapping[str, Mapping[str, Any]]
                   ) -> dict[int, dict[str, Any]]:
    """Checked choices by state index (unknown states, keys or values are errors)."""
    out: dict[int, dict[str, Any]] = {}
    for code, choice in choices.items():
        i = state_index(world, code)
        for key, value in choice.items():
            allowed = CHOICE_KEYS.get(key)
            if allowed is None:
                raise FoedusError(f"choice for {code}: unknown key {key!r} (vote, sanction, force)")
            if value not in allowed or (key != "vote" and not isinstance(value, bool)):
                raise FoedusError(f"choice for {code}: {key} must be one of "
                                  f"{', '.join(map(str, allowed))}, got {value!r}")
        out[i] = dict(choice)
    return out


__all__ = ["CHOICE_KEYS", "Crisis", "open_crisis", "player_choices", "state_index"]
