"""Security architectures: several institutions in one world (issue 11, deliverable 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

import foedus
from foedus.cli import main
from foedus.engine.architecture import (
    ART_51,
    ART_53,
    ART_103,
    run_architecture_crisis,
    strongest_obligation,
)
from foedus.engine.institution import Institution
from foedus.rules import builtin_architecture_ids, load_architecture


@pytest.fixture(scope="module")
def world1950(request: Any) -> Any:
    from conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip(f"real datasets not found at {SHARED_DATA} (set FOEDUS_TEST_DATA)")
    return foedus.world_for_year(1950, data_dir=SHARED_DATA)


def _crisis(world: Any, a: str, t: str) -> Any:
    arch = load_architecture("un-1945+nato+rio")
    rng = np.random.default_rng(1)
    insts = [Institution.in_world(ch, world, rng) for ch in arch.charters()]
    return run_architecture_crisis(world.copy(), insts, a, t, rng=np.random.default_rng(2),
                                   credibility=[0.8, 0.8, 0.8])


def test_builtin_architectures_load() -> None:
    assert {"interwar", "cold-war", "post-cold-war"} <= set(builtin_architecture_ids())
    for ident in builtin_architecture_ids():
        arch = load_architecture(ident)
        assert arch.sources and arch.charters()
    assert load_architecture("un-1945+nato+rio").institutions == ["un-1945", "nato", "rio"]


def test_art_51_outside_attack_on_nato(world1950: Any) -> None:
    """The Council is vetoed; NATO acts in collective self-defence until it acts (Art. 51)."""
    res = _crisis(world1950, "RUS", "NOR")
    text = res.text()
    assert ART_51 in text and "until the Council has taken measures" in text
    assert res.obliged_by["USA"].startswith("nato")
    nato = next(d for d in res.institutions if d["id"] == "nato")
    assert nato["in_scope"] and nato["credibility_after"] != nato["credibility"]


def test_art_53_local_dispute_in_the_americas(world1950: Any) -> None:
    """Rio settles first (Art. 52(2)); it enforces only with the Council's authorisation."""
    res = _crisis(world1950, "NIC", "COS")
    text = res.text()
    assert ART_53 in text and "regional arrangement" in text
    order = [d["id"] for d in res.institutions]
    assert order.index("rio") < order.index("un-1945")


def test_doubly_obliged_state_contributes_once(world1950: Any) -> None:
    res = _crisis(world1950, "NIC", "COS")
    assert ART_103 in res.text()
    assert "more than one institution contribute once" in res.text()
    assert len(res.obligated) == len(set(res.obligated))
    assert len(res.contributors) == len(set(res.contributors))
    # the USA is obliged by the UN and by Rio: one entry, attributed to the Charter on a tie
    assert res.obliged_by["USA"].startswith("un-1945")
    both = [d["id"] for d in res.institutions if "USA" in d["obliged"]]
    assert sorted(both) == ["rio", "un-1945"]  # each learns from it ...
    assert res.obligated.count("USA") == 1     # ... but it is one obligated state, acting once


def test_strongest_obligation_ties_go_to_the_first() -> None:
    best, src = strongest_obligation([np.array([0.5, 0.2, 0.0]), np.array([0.5, 0.9, 0.0])])
    assert best.tolist() == [0.5, 0.9, 0.0] and src.tolist() == [0, 1, 0]


def test_simulate_architecture_1950(world1950: Any) -> None:
    res = foedus.simulate("un-1945+nato+rio", world=world1950, years=5, rng=3)
    assert res.charter == "un-1945+nato+rio"
    lines = [n for n in res.notes if n.startswith("architecture")]
    assert len(lines) == 3 and "nato: 12 members" in lines[1]
    cw = foedus.simulate("cold-war", world=world1950, years=2, rng=3)
    assert any("warsaw-pact: dormant until founded" in n for n in cw.notes)


def test_cli_simulate_charters(world1950: Any) -> None:
    from conftest import SHARED_DATA

    out = CliRunner().invoke(main, ["simulate", "--year", "1950", "--data-dir", str(SHARED_DATA),
                                    "--charters", "un-1945+nato+rio", "--years", "3"])
    assert out.exit_code == 0, out.output
    assert "nato: 12 members" in out.output


@pytest.mark.parametrize(("text", "field", "problem"), [
    ('id = "x"\nname = "X"\ninstitutions = ["un-1945", "natoo"]\n', "institutions[1]",
     "not a charter"),
    ('id = "x"\nname = "X"\ninstitutions = []\n', "institutions", "at least 1"),
    ('id = "x"\nname = "X"\ninstitutions = ["nato", "nato"]\n', "institutions", "twice"),
    ('id = "x"\ninstitutions = ["nato"]\n', "name", "required"),
    ('id = "x"\nname = "X"\ninstitutions = ["nato"]\ncolour = 1\n', "colour", "unknown field"),
])
def test_bad_architecture_file(tmp_path: Path, text: str, field: str, problem: str) -> None:
    path = tmp_path / "arch.toml"
    path.write_text(text, encoding="utf-8")
    out = CliRunner().invoke(main, ["simulate", "--charters", str(path), "--years", "1"])
    assert out.exit_code == 2
    assert str(path) in out.output and field in out.output and problem in out.output


def test_compare_sets_architectures_beside_their_parts() -> None:
    """`compare` runs an architecture as one system; each system's numbers do not depend on
    which others are compared (the same worlds and run seeds: common random numbers)."""
    from conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip(f"real datasets not found at {SHARED_DATA} (set FOEDUS_TEST_DATA)")
    kw: dict[str, Any] = {"replications": 2, "years": 4, "seed": 3, "workers": 1,
                          "progress": False, "year": 1950, "data_dir": SHARED_DATA}
    both = foedus.compare(["un-1945+nato+rio", "un-1945"], **kw)
    assert both.charters == ["un-1945+nato+rio", "un-1945"]
    assert both.settings["scope"]["un-1945+nato+rio"]["n_members"] == 58
    alone = foedus.compare(["un-1945"], **kw)
    mine = both.runs[both.runs["charter"] == "un-1945"].reset_index(drop=True)
    import pandas as pd

    pd.testing.assert_frame_equal(alone.runs, mine)
    names = [c["id"] for c in both.provenance["charters"]]
    assert names == ["un-1945+nato+rio", "un-1945"]
    assert [c["id"] for c in both.provenance["charters"][0]["institutions"]] == [
        "un-1945", "nato", "rio"]


def test_an_experiment_file_may_name_an_architecture(tmp_path: Path) -> None:
    exp = foedus.experiments.experiment_from_dict(
        {"name": "arch", "systems": ["cold-war", "un-1945+nato"], "replications": 1, "years": 2})
    systems = exp.charters()
    assert list(systems) == ["cold-war", "un-1945+nato"]
    with pytest.raises(foedus.InputError, match="systems"):
        foedus.experiments.experiment_from_dict(
            {"name": "arch", "systems": ["un-1945+natoo"], "replications": 1, "years": 2})


def test_partner_withdrawals_take_effect_on_their_date() -> None:
    """A member that gives notice under a partner's exit rule leaves it (membership and seats)
    when the notice runs out, and dated membership does not bring it back."""
    world = foedus.generate_world(n=24, rng=5)
    model = foedus.Model("un-1945+nato", world, rng=1)
    assert model.partners is not None
    p = model.partners.items[0]
    assert p.charter.id == "nato"
    i = int(np.flatnonzero(p.institution.members)[0])
    lead = model.institution.members.copy()
    p.give_notice(model.world, [model.world.codes[i]], 2000)
    assert p.notice == {i: 2000 + max(1, int(np.ceil(p.charter.exit.notice_years)))}
    model.partners.follow(model.world, p.notice[i] - 1)
    assert p.institution.members[i]
    model.partners.follow(model.world, p.notice[i])
    assert not p.institution.members[i] and p.exits == 1 and i in p.withdrew
    for seats in p.institution.seats.values():
        assert i not in seats.tolist()
    assert np.array_equal(model.institution.members, lead)  # the lead is untouched


def test_partner_withdrawals_in_a_run() -> None:
    """With certain exits, failed members leave a partner (Rio) during a run on its own notice;
    the lead (NATO) loses only those who failed in its own crises: wanting to leave Rio is not
    leaving NATO."""
    world = foedus.generate_world(n=30, rng=3)  # a seed whose run has several failed crises
    model = foedus.Model("nato+rio", world, rng=3, behaviour={"exit_propensity": 1.0})
    assert model.partners is not None
    nato0 = model.institution.members.copy()
    model.run(30)
    p = model.partners.items[0]
    assert p.charter.id == "rio" and p.exits >= 2
    gone = sorted(i for i in p.withdrew if i not in p.notice)
    assert len(gone) == p.exits and not p.institution.members[gone].any()
    stayed = [i for i in gone if nato0[i] and i not in model._withdrew]
    assert stayed and model.institution.members[stayed].all()  # left Rio, still in NATO
    assert any("rio" in line and "withdrawals" in line
               for line in model.partners.describe(model.charter, 0))
