"""Kinds of threat as data: what a crisis is besides one state attacking another (issue 18).

A threat file (TOML, like charters and architectures; built in under ``rules/threats/``)
defines a kind of crisis by

- its **attribution**: how ambiguous it is who is responsible (``ambiguity``, on the scale of
  the engine's base ambiguity of attribution, :attr:`foedus.Behaviour.ambiguity`) and which
  state can be held responsible (``responsible``: the attacker itself, the host of a group, the
  sponsor of an operation, or no state);
- whether it meets each treaty **threshold**: an "armed attack" under UN Charter Art. 51 and
  North Atlantic Treaty Art. 5, and "a threat to the peace" under UN Charter Art. 39 (``yes``,
  ``no`` or ``contested``, each with its basis);
- the **responses** it admits (force, sanctions, assistance, peacekeeping), whose consent each
  needs, its legal basis, and what it costs as a multiple of the engine's own cost of that kind
  of response (``cost_factor``; :attr:`foedus.Behaviour.war_cost`, ``sanction_cost``,
  ``peacekeeping_cost``);
- the **rate** at which the many-year model draws crises of the kind (``rate``: crises per 100
  state-years, with its source; absent for interstate aggression, which the model's own
  aggressors decide on, and for a user's kind);
- its **sources**.

Files are read by the one TOML loader (:class:`foedus._toml.Library`): a problem names the
file, the field and what is wrong. docs/threats.md documents every field and the built-in kinds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError, field_validator

from .._errors import InputError
from .._toml import Library, StrictModel, validation_problems

#: The kinds of response a threat file may list.
RESPONSE_KINDS = ("force", "sanctions", "assistance", "peacekeeping")
#: Which state can be held responsible for a threat.
RESPONSIBLE = ("attacker", "host", "sponsor", "none")
#: Whether a threat meets a treaty threshold.
MEETS = ("yes", "no", "contested")
#: Most responses a threat file may list (one of each kind).
MAX_RESPONSES = len(RESPONSE_KINDS)


class Attribution(StrictModel):
    """Who is responsible and how sure third states can be."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ambiguity: float = Field(ge=0.0, le=1.0, description="Ambiguity of attribution rho in "
                             "[0, 1], the scale of the engine's base ambiguity (0: the "
                             "responsible state is known to all; 1: nobody can tell).")
    responsible: Literal["attacker", "host", "sponsor", "none"] = Field(
        description="The state that can be held responsible: the attacker itself, the host of "
                    "a non-state group, the sponsor of an operation, or none (civil war).")
    basis: str = Field("", description="Why: the law or practice of state responsibility.")


class Threshold(StrictModel):
    """Whether the threat meets one treaty threshold, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    meets: Literal["yes", "no", "contested"] = Field(description="yes, no or contested.")
    basis: str = Field(min_length=1, description="The resolution, judgment or practice.")
    probability: float = Field(0.5, ge=0.0, le=1.0, description="When contested: the chance "
                               "that the deciding body (and the victim) hold the threshold met "
                               "in a crisis of the kind (default 0.5: as likely as not).")

    def chance(self) -> float:
        """The chance the threshold is held met: 1 (yes), 0 (no) or ``probability``."""
        return {"yes": 1.0, "no": 0.0}.get(self.meets, float(self.probability))


class Thresholds(StrictModel):
    """The two thresholds the model's charters turn on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    armed_attack: Threshold = Field(description="An armed attack (UN Charter Art. 51; North "
                                    "Atlantic Treaty Art. 5).")
    threat_to_the_peace: Threshold = Field(description="A threat to the peace, breach of the "
                                           "peace or act of aggression (UN Charter Art. 39).")


class Response(StrictModel):
    """One response the threat admits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["force", "sanctions", "assistance", "peacekeeping"] = Field(
        description="force, sanctions, assistance or peacekeeping.")
    consent: Literal["none", "host", "target"] = Field(
        "none", description="Whose consent it needs: nobody's, the host state's (of a group, "
                            "or the state in civil war) or the target's.")
    cost_factor: float = Field(1.0, ge=0.0, le=100.0, description="Its cost as a multiple of "
                               "the engine's own cost of that kind of response.")
    basis: str = Field(min_length=1, description="Its legal basis and the practice behind it.")


#: Highest rate a threat file or a model setting may give a kind (crises per 100 state-years).
MAX_RATE = 20.0


class Rate(StrictModel):
    """How often the many-year model draws crises of the kind, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    per_100_state_years: float = Field(ge=0.0, le=MAX_RATE, description="Crises of the kind per "
                                       "100 state-years (every living state is as likely to be "
                                       "the target), at most 20.")
    source: str = Field(min_length=1, description="The data set or study behind the rate.")
    basis: str = Field(min_length=1, description="How the rate follows from the source.")


class Threat(StrictModel):
    """A kind of crisis (see the module's docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64,
                    description="Short id used on the command line.")
    name: str = Field(min_length=1, description="Full name.")
    summary: str = Field("", description="One line shown in listings.")
    attribution: Attribution
    thresholds: Thresholds
    responses: list[Response] = Field(min_length=1, max_length=MAX_RESPONSES,
                                      description="The responses it admits, each kind once.")
    rate: Rate | None = Field(None, description="The documented rate of the kind (none: the "
                              "model does not draw it at a rate).")
    cases: list[str] = Field(default_factory=list, description="Cases of the kind.")
    sources: list[str] = Field(min_length=1, description="Treaties, resolutions, scholarship.")
    note: str = Field("", description="What is missing or simplified.")

    @field_validator("responses")
    @classmethod
    def _distinct(cls, v: list[Response]) -> list[Response]:
        kinds = [r.kind for r in v]
        dup = sorted({k for k in kinds if kinds.count(k) > 1})
        if dup:
            raise ValueError(f"a kind of response is listed twice: {', '.join(dup)}")
        return v

    def response(self, kind: str) -> Response | None:
        """The response of ``kind``, or None when the threat does not admit it."""
        return next((r for r in self.responses if r.kind == kind), None)


def threat_from_dict(data: dict[str, Any], source: str = "<dict>",
                     base_dir: Path | None = None) -> Threat:
    """Validate a threat given as a dictionary; problems name ``source`` and the field."""
    del base_dir
    try:
        return Threat.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, validation_problems(exc)) from None


_LIBRARY: Library[Threat] = Library("threat", "foedus.rules", "threats", threat_from_dict)


def builtin_threat_ids() -> list[str]:
    """Ids of the built-in kinds of threat, sorted."""
    return _LIBRARY.ids()


def load_threat(ref: str | Path | Threat) -> Threat:
    """A built-in kind of threat by id, or one read from a TOML file."""
    return ref if isinstance(ref, Threat) else _LIBRARY.load(ref)


__all__ = [
    "MAX_RATE",
    "MAX_RESPONSES",
    "MEETS",
    "RESPONSE_KINDS",
    "RESPONSIBLE",
    "Attribution",
    "Rate",
    "Response",
    "Threat",
    "Threshold",
    "Thresholds",
    "builtin_threat_ids",
    "load_threat",
    "threat_from_dict",
]
