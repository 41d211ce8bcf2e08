"""Appeasement (issue 18): an aggressor's demand met by a concession short of war.

Off by default (``ModelSettings.appeasement = "off"``): no concession is ever made and no
random draw is added, so the model's numbers are those without it. When on, a crisis that
reached a response is settled before any fighting when a bargain exists (Fearon 1995,
"Rationalist explanations for war", *International Organization* 49(3): a range of
settlements both sides prefer to a costly war). In capability units, with ``p`` the
defenders' chance of winning (the contest success function on the strengths the response
gave), ``s`` the spoils, ``L`` the war loss and ``e`` the chance a resisted dispute becomes
a war (``Behaviour.escalation``):

- the aggressor's expected gain from fighting: ``G = e ((1 - p) s K_t - L p_d K_a)``, with
  ``K_t`` the target's capability, ``K_a`` the aggressor's strength at the target and
  ``p_d = E_d / (E_a + E_d)`` the defenders' share of the strength;
- the target's expected loss from resisting: ``R = e ((1 - p) s K_t + L (1 - p_d) K_t)``;
- the concession: ``C = share x s K_t``, a documented share of the spoils (``appeasement_share``).

The **target concedes** when ``G <= C <= R`` — the aggressor takes the concession and the
target prefers it to resisting (Treisman 2004, "Rational appeasement", *International
Organization* 58(2): a defender concedes when resisting costs more than the stake). The
**institution presses** a concession when it is seized of the dispute (in scope, with a
procedure gone through), none of its members acts (no force, no sanctions) and the aggressor
would take it (``C >= G``): the League's answer to Abyssinia, the Hoare–Laval plan of
December 1935 (Walters 1952, *A History of the League of Nations*, ch. 53–56). Nobody resisting
means no bargain: the aggressor takes the whole spoils, as without appeasement.

A concession transfers ``C`` from the target to the aggressor, with no war and no capability
destroyed; the aggressor counts as having won. Its sequels:

- **appetite**: the aggressor's revisionism rises, ``r <- r + appeasement_appetite (1 - r)``,
  so its attack threshold falls — a concession shows that demands pay (Manchuria 1931,
  Abyssinia 1935, the Rhineland 1936 and Munich 1938; Ripsman & Levy 2008, "Wishful thinking
  or buying time?", *International Security* 33(2), and Treisman 2004 on reputations for
  resolve);
- **credibility**: an institution that pressed a concession loses the share
  ``appeasement_discredit`` of its credibility after the crisis's own learning (Walters 1952
  on the League after the Hoare–Laval plan).

The run reports concessions per 100 state-years, the share of crises ended by a concession,
and sequels: later demands (crises) by states that had gained by a concession, per 100
state-years. docs/appeasement.md has the worked experiment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .contest import contest_success

if TYPE_CHECKING:  # the crisis package runs this module's hooks: no import cycle at run time
    from .crisis.context import Crisis
    from .crisis.response import Response
    from .crisis.result import CrisisResult

#: The sources the trace lines cite.
SOURCE = "Fearon (1995); Treisman (2004), Rational appeasement"
PRESSED_SOURCE = "Walters (1952), A History of the League of Nations (the Hoare-Laval plan)"


@dataclass(frozen=True)
class Appeasement:
    """The settings of appeasement (ranges and sources in :class:`ModelSettings`)."""

    share: float       # the concession as a share of the spoils a victory would take
    appetite: float    # rise of the aggressor's revisionism after a gain by concession
    discredit: float   # share of credibility lost by an institution that pressed a concession


def concede(c: Crisis, r: Response, ap: Appeasement) -> bool:
    """Settle the crisis by a concession if a bargain exists (see the module); MUTATES the
    world's capabilities and the result. Returns whether a concession was made. No random
    draw."""
    world, beh, res = c.world, c.beh, c.res
    resists = bool(r.contributors.any()) or bool(c.charter.self_defence.allowed)
    if not resists:
        return False
    e_a = r.e_a_own + float(r.at_t[r.joiners].sum())
    e_d = r.e_t + float(r.at_t[r.contributors].sum())
    tot = e_a + e_d
    if tot <= 0:
        return False
    p = contest_success(e_d, e_a, float(beh.gamma))
    k_t = float(world.capability[c.t])
    esc, s, loss = float(beh.escalation), float(beh.spoils), float(beh.war_loss)
    gain = esc * ((1.0 - p) * s * k_t - loss * (e_d / tot) * min(float(world.capability[c.a]),
                                                                 r.e_a_own))
    resist = esc * ((1.0 - p) * s * k_t + loss * (e_a / tot) * k_t)
    offer = float(ap.share) * s * k_t
    seized = bool(res.in_scope and res.steps)
    idle = not (r.contributors.any() or r.sanctioners.any())
    if offer < gain or offer <= 0:
        return False
    if offer <= resist:
        res.concession_by = "target"
    elif seized and idle:
        res.concession_by = "institution"
    else:
        return False
    world.capability[c.t] -= offer
    world.capability[c.a] += offer
    res.conceded, res.concession = True, offer
    res.aggressor_won, res.war = True, False
    res.capability_transferred, res.capability_destroyed = offer, 0.0
    res.capability_after = float(world.capability.sum())
    from .crisis.result import TraceEntry
    who = c.T if res.concession_by == "target" else "the institution (pressing " + c.T + ")"
    c.trace.append(TraceEntry(
        "appeasement", f"{who} concedes {offer:.4g} of capability to {c.A} short of war "
        f"(resisting would cost {c.T} {resist:.4g}; fighting would gain {c.A} {gain:.4g})",
        SOURCE if res.concession_by == "target" else PRESSED_SOURCE))
    return True


def discredit(res: CrisisResult, ap: Appeasement) -> None:
    """An institution that pressed a concession loses ``discredit`` of its credibility."""
    if res.concession_by == "institution":
        res.credibility_after *= 1.0 - float(ap.discredit)


def whet_appetite(revisionism: np.ndarray, aggressor: int, ap: Appeasement) -> None:
    """The aggressor's revisionism rises after a gain by concession (in place)."""
    r = float(revisionism[aggressor])
    revisionism[aggressor] = min(1.0, r + float(ap.appetite) * (1.0 - r))


class Concessions:
    """The counts the run's appeasement metrics are read from."""

    def __init__(self, n: int) -> None:
        self.gained = np.zeros(n, bool)  # states that gained by a concession so far
        self.crises = 0
        self.conceded = 0
        self.pressed = 0
        self.sequels = 0

    def note(self, aggressor: int, res: CrisisResult) -> None:
        """Count one crisis: a sequel if its aggressor had gained by concession before."""
        self.crises += 1
        self.sequels += int(self.gained[aggressor])
        if res.conceded:
            self.conceded += 1
            self.pressed += int(res.concession_by == "institution")
            self.gained[aggressor] = True

    def summary(self, state_years: float) -> dict[str, float]:
        """Concessions and sequels per 100 state-years, and the share of crises ended by a
        concession (NaN without state-years or crises)."""
        per = 100.0 / state_years if state_years > 0 else math.nan
        return {"concessions_per_100": self.conceded * per,
                "concession_share": self.conceded / self.crises if self.crises else math.nan,
                "pressed_concessions": float(self.pressed),
                "appeasement_sequels_per_100": self.sequels * per}


__all__ = ["PRESSED_SOURCE", "SOURCE", "Appeasement", "Concessions", "concede", "discredit",
           "whet_appetite"]
