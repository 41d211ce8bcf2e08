"""The typed crisis log: CrisisEvent keeps the JSON a run has always written."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, fields

import numpy as np

from foedus import generate_world
from foedus.engine.crisis import CrisisResult, run_crisis
from foedus.engine.events import CrisisEvent
from foedus.engine.model import simulate

ADDED = ["year", "aggressor_veto", "burden", "destroyed_share", "target_share",
         "world_capability", "threat", "assistance"]


def test_an_event_is_a_crisis_result_without_trace_votes_and_steps_plus_the_models_fields() -> None:
    kept = [f.name for f in fields(CrisisResult) if f.name not in ("trace", "steps", "votes")]
    assert [f.name for f in fields(CrisisEvent)] == kept + ADDED
    assert not hasattr(CrisisEvent(*(["x"] * 3), *([False] * 20)), "__dict__")  # slots


def test_to_dict_is_the_flat_record_with_nan_as_none() -> None:
    world = generate_world(12, rng=3)
    res = run_crisis(world, "un-1965-ufp", 0, 1, rng=np.random.default_rng(3))
    res.mean_belief = float("nan")
    ev = CrisisEvent.from_result(res, year=7, burden={"X": 0.5}, destroyed_share=0.25)
    d = ev.to_dict()
    expect = {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
              for k, v in asdict(res).items() if k not in ("trace", "steps", "votes")}
    expect.update(year=7, aggressor_veto=res.veto_protected, burden={"X": 0.5},
                  destroyed_share=0.25, target_share=0.0, world_capability=0.0,
                  threat="interstate-aggression", assistance=False)
    assert d == expect and list(d) == list(expect)
    assert ev.mean_belief is None and d["mean_belief"] is None
    json.dumps(d)


def test_run_results_hold_events_and_serialise_them_as_dicts() -> None:
    res = simulate("self-help", rng=4, n_states=30, years=20)
    assert res.events and all(isinstance(e, CrisisEvent) for e in res.events)
    d = res.to_dict()
    assert d["events"] == [e.to_dict() for e in res.events]
    e = res.events[0]
    assert not hasattr(e, "get")  # read as attributes, not by string key
