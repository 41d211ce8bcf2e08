"""The model's own settings (:class:`ModelSettings`): activation, crises per year, growth,
the aggressor's threshold and noise, reach, peacekeeping and balancing.

One typed object instead of loose keywords: the yearly model, :func:`foedus.simulate`,
comparisons and experiments all take it (or a dictionary of it), and its ranges are checked by
the one validator of :mod:`foedus.parameters`. How the defaults were chosen is in
docs/calibration.md; what each setting does is in docs/model.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..parameters import Settings, bounds, param, unknown_names

#: Activation orders (Huberman & Glance 1993): random sequential or simultaneous.
ACTIVATIONS = ("random", "simultaneous")


@dataclass(frozen=True)
class ModelSettings(Settings):
    """Settings of the yearly model (not of states' behaviour: see :class:`foedus.Behaviour`)."""

    item = "model setting"
    what = "model settings"

    activation: str = param(
        "random", choices=ACTIVATIONS,
        doc="who decides on which world: random sequential or simultaneous activation",
        cite="Huberman & Glance (1993), PNAS 90(16)")
    max_crises: int = param(
        1000, lo=0, hi=1000, integer=True,
        doc="crises resolved per year at most: a bound on the work per year that does not bind "
            "by default (a state attacks at most once a year; measured in docs/validation.md)",
        cite="issue 12: the cap of 3 bound in 48-100% of years from 1870 (docs/validation.md)")
    growth_sd: float = param(
        0.05, lo=0.0, hi=2.0, doc="sd of the yearly lognormal capability growth shock",
        cite="year-on-year CINC changes, NMC v6 (Singer, Bremer & Stuckey 1972)")
    attack_threshold: float = param(
        0.54, lo=-10.0, hi=10.0, doc="scale of the revisionism-dependent attack threshold",
        cite="Bueno de Mesquita (1981), The War Trap")
    eu_noise: float = param(
        0.15, lo=0.0, hi=10.0, doc="sd of the yearly resolve shock (the per-pair shock has half)",
        cite="Fearon (1995), IO 49(3): private information")
    neighbours: int = param(
        8, lo=0, hi=10_000, integer=True,
        doc="candidate targets and helpers per state among contiguous or reachable states",
        cite="Lemke & Reed (2001), JCR 45(1): politically relevant dyads")
    reach_km: float = param(
        2500.0, lo=0.0, hi=40_075.0, doc="distance within which a non-contiguous state is reachable",
        cite="Lemke & Reed (2001); Boulding (1962) on the loss-of-strength gradient")
    peace_years: int = param(
        10, lo=0, hi=1000, integer=True, doc="years peacekeepers keep a pair apart",
        cite="Fortna (2008), Does Peacekeeping Work?")
    conquest_norm_from: int = param(
        1945, lo=1, hi=9999, integer=True,
        doc="year from which the norm against conquest (Behaviour.conquest_norm) holds in a data "
            "world; synthetic worlds have it throughout",
        cite="Zacher (2001), International Organization 55(2): the norm took hold after 1945 "
             "(UN Charter Art. 2(4))")
    restraint_from: int = param(
        1945, lo=1, hi=9999, integer=True,
        doc="year from which third states' restraint (Behaviour.restraint) holds in a data "
            "world; synthetic worlds have it throughout",
        cite="Jervis (1989), The Meaning of the Nuclear Revolution; Gaddis (1986), The Long Peace")
    balancing_rate: float = param(
        0.2, lo=0.0, hi=1.0, doc="balance of power: speed of the alignment shift",
        cite="Walt (1987), The Origins of Alliances")
    doubt: float = param(
        0.2, lo=0.0, hi=1.0, doc="yearly share of states that discount the institution entirely",
        cite="calibration (docs/calibration.md)")
    anachronism: str = param(
        "refuse", choices=("refuse", "allow"),
        doc="a charter on a data world of a year it did not exist in: refuse, or allow (stated)",
        cite="docs/charters.md, Dated membership")
    record: str = param(
        "follow", choices=("follow", "fixed"),
        doc="data worlds: states enter and leave, alliances, majors and revisionism change as "
            "recorded (follow), or the start year is kept (fixed)",
        cite="COW State System Membership 2016; ATOP 5.1; COW MID 4.3 (docs/world.md)")
    record_pull: float = param(
        0.2, lo=0.0, hi=1.0,
        doc="data worlds following the record: yearly pull of capability shares towards the "
            "recorded CINC shares (0 = endogenous growth only)",
        cite="COW NMC (Singer, Bremer & Stuckey 1972); docs/world.md")
    # -- births: new states in synthetic worlds (issue 11; engine/births.py, docs/world.md) --
    births: float = param(
        0.0, lo=0.0, hi=20.0,
        doc="synthetic worlds: expected new states (secessions) per 100 state-years; 0 = off. "
            "The COW system had 1.2 entries per 100 state-years 1816-2016, 1.9 in 1946-1991",
        cite="Griffiths (2016), Age of Secession; Fazal & Griffiths (2014), ISR 16(1); COW "
             "State System Membership 2016")
    birth_waves: float = param(
        0.5, lo=0.0, hi=1.0,
        doc="share of births that come in region-wide waves (decolonisation-like); COW "
            "1947-2016: 49% of entries fell in a region-year with 3 or more",
        cite="Strang (1991), ISQ 35(4); COW State System Membership 2016")
    birth_wave_size: float = param(
        5.0, lo=1.0, hi=50.0,
        doc="mean births per wave; COW 1947-2016: 5.25 in region-years with 3 or more",
        cite="Strang (1991); COW State System Membership 2016")
    birth_share: float = param(
        0.1, lo=0.0, lo_open=True, hi=0.9,
        doc="share of its parent's capability a new state takes with it (the parent keeps "
            "the rest)",
        cite="Coggins (2014), Power Politics and State Formation; Fazal & Griffiths (2014): "
             "new states are mostly small")
    birth_slots: int = param(
        50, lo=0, hi=1000, integer=True,
        doc="reserve of unborn states a run with births carries (arrays keep their size; "
            "births beyond it are not made and the run says so); states plus slots at most "
            "5,000",
        cite="docs/limits.md")
    # -- arms racing (issue 18; engine/arms.py, docs/arms.md): off by default ----------------
    arms_race: str = param(
        "off", choices=("off", "on"),
        doc="arms racing: each state's military burden follows an action-reaction process",
        cite="Richardson (1960), Arms and Insecurity; Jervis (1978), World Politics 30(2)")
    arms_reaction: float = param(
        0.05, lo=0.0, hi=1.0,
        doc="arms racing: Richardson's defence coefficient k (burden added per unit of "
            "unassured threat a year); this model's value, not estimated",
        cite="Richardson (1960), Arms and Insecurity (the form)")
    arms_fatigue: float = param(
        0.2, lo=0.0, hi=1.0,
        doc="arms racing: Richardson's fatigue coefficient a (share of the burden shed a year); "
            "this model's value, not estimated",
        cite="Richardson (1960), Arms and Insecurity (the form)")
    arms_grievance: float = param(
        0.0044, lo=0.0, hi=0.5,
        doc="arms racing: Richardson's grievance term g; g / a is the burden without threat, "
            "the world's 2.2% of GDP with the default a",
        cite="SIPRI (2023), Trends in World Military Expenditure, 2022 (2.2% of world GDP)")
    # -- a deterrent of one's own (issue 18; engine/deterrent.py, docs/arms.md): off; needs
    # arms racing on ---------------------------------------------------------------------------
    deterrent: str = param(
        "off", choices=("off", "on"),
        doc="with arms racing on: a state whose assurance stays low while it faces a threat "
            "starts a programme and, after a lag, holds a deterrent of its own",
        cite="Sagan (1996/97), International Security 21(3); Singh & Way (2004), JCR 48(6); "
             "Jo & Gartzke (2007), JCR 51(1)")
    deterrent_faith: float = param(
        0.5, lo=0.0, hi=1.0,
        doc="deterrent: the assurance (trust in institution and allies, 0-1) below which a "
            "threatened state seeks its own; this model's value, not estimated",
        cite="Bleek & Lorber (2014), JCR 58(3): security guarantees reduce proliferation")
    deterrent_threat: float = param(
        0.25, lo=0.0, hi=1.0,
        doc="deterrent: the rival's threat (hostility x military balance, 0-1) that counts as "
            "facing a threat (a rival holding a deterrent always does); this model's value",
        cite="Sagan (1996/97): the security model; Singh & Way (2004): security threats")
    deterrent_years: int = param(
        5, lo=1, hi=100, integer=True,
        doc="deterrent: consecutive years of low assurance under threat before a programme "
            "starts; this model's value, not estimated",
        cite="Sagan (1996/97), International Security 21(3)")
    deterrent_lag: int = param(
        5, lo=0, hi=50, integer=True,
        doc="deterrent: years from a programme's start to the deterrent (US 1942-45, USSR "
            "1945-49, UK 1947-52, France 1956-60, China 1955-64: five on average)",
        cite="Singh & Way (2004), JCR 48(6): dates of pursuit and acquisition")
    deterrent_cost: float = param(
        0.5, lo=0.0, hi=1.0,
        doc="deterrent: share of an aggressor's capability retaliation destroys if its attack "
            "on a holder escalates to war (half: the assured-destruction criterion of half "
            "the adversary's industrial capacity)",
        cite="Enthoven & Smith (1971), How Much Is Enough?; Snyder (1961), Deterrence and "
             "Defense")
    # -- delegation to a lead state (issue 18; engine/delegation.py, docs/delegation.md): off --
    delegation: str = param(
        "off", choices=("off", "lead-state"),
        doc="authorised force: every obliged member decides alone (off), or the strongest "
            "willing obliged member leads a coalition as far as its own stake goes",
        cite="Voeten (2005), IO 59(3); Coleman (2007), International Organisations and Peace "
             "Enforcement; Hawkins et al. (2006), Delegation and Agency in IOs")
    delegation_mandate: float = param(
        1.0, lo=0.0, hi=10.0,
        doc="delegation: weight of the authorisation in the lead's stake (what legitimacy "
            "lowers of the cost of force); this model's value, not estimated",
        cite="Voeten (2005), IO 59(3); Thompson (2006), IO 60(1)")
    # -- appeasement (issue 18; engine/appeasement.py, docs/appeasement.md): off by default ---
    appeasement: str = param(
        "off", choices=("off", "on"),
        doc="appeasement: a demand can be met by a concession short of war, made by the target "
            "or pressed by an institution that does not act",
        cite="Treisman (2004), Rational appeasement, International Organization 58(2); Fearon "
             "(1995), International Organization 49(3)")
    appeasement_share: float = param(
        0.5, lo=0.0, hi=1.0,
        doc="appeasement: the concession as a share of the spoils a victory would take (half: "
            "the Munich agreement ceded the Sudeten districts, not Czechoslovakia); this "
            "model's value, not estimated",
        cite="Ripsman & Levy (2008), Wishful thinking or buying time?, International Security "
             "33(2)")
    appeasement_appetite: float = param(
        0.2, lo=0.0, hi=1.0,
        doc="appeasement: share of the gap to full revisionism an aggressor closes after a gain "
            "by concession (appetite grows: Manchuria, Abyssinia, Munich); this model's value, "
            "not estimated",
        cite="Treisman (2004), Rational appeasement, International Organization 58(2)")
    appeasement_discredit: float = param(
        0.2, lo=0.0, hi=1.0,
        doc="appeasement: share of its credibility an institution loses when it presses a "
            "concession; this model's value, not estimated",
        cite="Walters (1952), A History of the League of Nations (the Hoare-Laval plan, 1935)")
    # -- kinds of threat (issue 18; engine/threats.py, docs/threats.md): off by default -------
    threats: str = param(
        "rates", choices=("rates", "documented"),
        doc="kinds of threat besides interstate aggression: drawn at the rates of the fields "
            "below (rates: all 0 by default, so off), or at the rates documented in the threat "
            "files, each replaced by its field where that is above 0 (documented)",
        cite="docs/threats.md (the threat files and their sources)")
    rate_hosted_terrorism: float = param(
        0.0, lo=0.0, hi=20.0,
        doc="terrorist attacks by a group a state hosts, per 100 state-years (0: none; the "
            "documented rate is 0.2)",
        cite="Tams (2009), European Journal of International Law 20(2)")
    rate_cyber_below_threshold: float = param(
        0.0, lo=0.0, hi=20.0,
        doc="state cyber operations below the armed-attack threshold, per 100 state-years (0: "
            "none; the documented rate is 2.0)",
        cite="Valeriano & Maness (2014), Journal of Peace Research 51(3)")
    rate_cyber_above_threshold: float = param(
        0.0, lo=0.0, hi=20.0,
        doc="state cyber attacks above the armed-attack threshold, per 100 state-years (0: "
            "none; the record gives no positive rate)",
        cite="NATO Wales Summit Declaration (2014), para 72; Tallinn Manual 2.0, Rule 71")
    rate_civil_war_humanitarian: float = param(
        0.0, lo=0.0, hi=20.0,
        doc="civil wars with a humanitarian crisis, per 100 state-years (0: none; the "
            "documented rate is 1.7)",
        cite="Fearon & Laitin (2003), American Political Science Review 97(1)")

    def validate(self) -> None:
        """The fields' ranges, and the deterrent's need of arms racing (its motive is read
        from the arms race's threat and assurance: engine/deterrent.py)."""
        super().validate()
        if self.deterrent == "on" and self.arms_race == "off":
            raise self.error("invalid model settings: deterrent: 'on' needs arms_race = 'on' "
                             "(the motive is read from the arms race's threat and assurance)")


def as_settings(settings: ModelSettings | dict[str, Any] | None = None,
                **overrides: Any) -> ModelSettings:
    """A :class:`ModelSettings` from ``None`` (defaults), a dictionary or settings, with
    keyword overrides."""
    if settings is None:
        base = ModelSettings()
    elif isinstance(settings, ModelSettings):
        base = settings
    elif isinstance(settings, dict):
        base = ModelSettings.from_dict(settings)
    else:
        raise ModelSettings.error(f"settings must be ModelSettings or a dict, "
                                  f"got {type(settings).__name__}")
    return base.replace(**overrides) if overrides else base


def parse_settings(items: Iterable[str]) -> dict[str, Any]:
    """Model settings from ``FIELD=VALUE`` texts (``foedus compare --set``), typed by each
    field's range: a choice as text, a whole number, or a number. An unknown field, a value
    out of range, a repeated field or a text without ``=`` is a :class:`SettingsError` naming
    the field and the problem; the combination is checked as :class:`ModelSettings` is."""
    out: dict[str, Any] = {}
    known = bounds(ModelSettings)
    for item in items:
        name, eq, text = str(item).partition("=")
        name, text = name.strip(), text.strip()
        if not eq or not name:
            raise ModelSettings.error(f"--set expects FIELD=VALUE, got {item!r}")
        unknown_names(ModelSettings, {name: text})
        if name in out:
            raise ModelSettings.error(f"model setting {name!r} is set twice")
        b = known[name]
        value: Any = text
        if not b.choices:
            try:
                value = int(text) if b.integer else float(text)
            except ValueError:
                raise ModelSettings.error(f"invalid model setting {name}: expected {b.text()}, "
                                          f"got {text!r}") from None
        problem = b.problem(value)
        if problem:
            raise ModelSettings.error(f"invalid model setting {name}: {problem}")
        out[name] = value
    ModelSettings.from_dict(out)  # the combination (the deterrent needs arms racing)
    return out


__all__ = ["ACTIVATIONS", "ModelSettings", "as_settings", "parse_settings"]
