"""The many-year model draws crises of each kind of threat (issue 18; engine/threats.py,
docs/threats.md): at their rates, within the treaties' thresholds, off by default."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

import foedus
from foedus.cli import main
from foedus.engine import THREAT_KINDS, ModelSettings, simulate, threat_overrides, threat_rates
from foedus.engine.metrics import THREAT_METRICS
from foedus.rules import load_threat

OTHER_KINDS = THREAT_KINDS[1:]
ALL_ON = {"rate_hosted_terrorism": 2.0, "rate_cyber_below_threshold": 2.0,
          "rate_cyber_above_threshold": 2.0, "rate_civil_war_humanitarian": 2.0}


def _of(res: foedus.RunResult, kind: str) -> list[foedus.CrisisEvent]:
    return [e for e in res.events if e.threat == kind]


def test_by_default_no_other_kind_is_drawn_and_the_per_kind_metrics_are_undefined() -> None:
    res = simulate("un-1945", rng=3, n_states=20, years=10)
    assert {e.threat for e in res.events} == {"interstate-aggression"}
    assert all(math.isnan(res.metrics[m]) for m in THREAT_METRICS)
    assert threat_rates(ModelSettings()) == dict.fromkeys(OTHER_KINDS, 0.0)


def test_kinds_resolved_short_of_war_leave_the_interstate_stream_as_it_was() -> None:
    # cyber operations below the threshold and civil wars play no war between states: the
    # interstate crises, drawn from the run's own generator, are exactly those of a run without
    base = simulate("un-1945", rng=5, n_states=24, years=15)
    on = simulate("un-1945", rng=5, n_states=24, years=15, rate_cyber_below_threshold=5.0,
                  rate_civil_war_humanitarian=5.0)
    assert len(on.events) > len(base.events)
    assert [e.to_dict() for e in _of(on, "interstate-aggression")] == \
        [e.to_dict() for e in base.events]
    same = [m for m in base.metrics if m not in THREAT_METRICS]
    assert {m: on.metrics[m] for m in same} == pytest.approx(
        {m: base.metrics[m] for m in same}, nan_ok=True)


def test_each_kind_is_drawn_at_its_rate() -> None:
    res = simulate("self-help", rng=11, n_states=60, years=50, **ALL_ON)
    state_years = res.series["alive"].sum()
    for kind in OTHER_KINDS:
        rate = 100.0 * len(_of(res, kind)) / state_years
        # Poisson: about 60 crises, sd of the rate 0.26 per 100 state-years; 3 sd
        assert rate == pytest.approx(2.0, abs=0.75), kind
        assert res.metrics[f"threat_per_100_{kind.replace('-', '_')}"] == pytest.approx(rate)
    low = simulate("self-help", rng=11, n_states=60, years=50, rate_civil_war_humanitarian=0.5)
    assert len(_of(low, "civil-war-humanitarian")) < len(_of(res, "civil-war-humanitarian")) / 2


def test_nato_acts_only_on_an_armed_attack() -> None:
    res = simulate("nato", rng=2, n_states=40, years=40, rate_hosted_terrorism=5.0,
                   rate_cyber_below_threshold=5.0, rate_civil_war_humanitarian=5.0)
    below = _of(res, "cyber-below-threshold")
    civil = _of(res, "civil-war-humanitarian")
    assert below and civil
    for e in below + civil:  # never an armed attack: Art. 5 is not invoked, nobody fights
        assert not (e.in_scope or e.determined or e.force_authorised or e.contributors)
    assert not any(e.war for e in below + civil)
    # a terrorist attack from a host held an armed attack against a member does engage Art. 5
    terror = _of(res, "hosted-terrorism")
    assert any(e.in_scope and e.determined for e in terror)
    # an unidentified host: nobody to fight or sanction, though allies may assist the victim
    assert not any(e.contributors or e.sanctioners for e in terror if not e.aggressor)


def test_a_charter_without_an_institution_never_acts() -> None:
    res = simulate("self-help", rng=4, n_states=30, years=30, **ALL_ON)
    others = [e for e in res.events if e.threat != "interstate-aggression"]
    assert others
    assert not any(e.in_scope or e.determined or e.institution_acted for e in others)


def test_the_council_acts_on_threats_to_the_peace_and_only_authorised_force_meets_a_civil_war(
) -> None:
    res = simulate("un-1945", rng=8, n_states=40, years=40, rate_civil_war_humanitarian=5.0,
                   rate_cyber_below_threshold=5.0)
    civil = _of(res, "civil-war-humanitarian")
    assert any(e.determined for e in civil)  # S/RES/794 practice: a threat to the peace
    assert all(e.force_authorised for e in civil if e.contributors)
    assert all(e.determined for e in civil if e.peacekeeping)  # no mandate, no peacekeepers
    below = _of(res, "cyber-below-threshold")
    assert not any(e.contributors or e.war for e in below)  # no force below the threshold
    for e in below:
        if not e.aggressor:  # the sponsor is not identified: nobody to sanction
            assert not e.sanctioners


def test_documented_rates_come_from_the_threat_files_and_a_field_replaces_one() -> None:
    doc = threat_rates(ModelSettings(threats="documented"))
    for kind in OTHER_KINDS:
        rate = load_threat(kind).rate
        assert rate is not None and rate.source
        assert doc[kind] == rate.per_100_state_years
    assert doc["civil-war-humanitarian"] > 0 and doc["cyber-below-threshold"] > 0
    mixed = threat_rates(ModelSettings(threats="documented", rate_civil_war_humanitarian=4.0))
    assert mixed["civil-war-humanitarian"] == 4.0
    assert mixed["hosted-terrorism"] == doc["hosted-terrorism"]


def test_rates_are_bounded_and_bad_values_are_named() -> None:
    with pytest.raises(foedus.FoedusError, match="rate_civil_war_humanitarian"):
        ModelSettings(rate_civil_war_humanitarian=20.5)
    with pytest.raises(foedus.FoedusError, match="rate_hosted_terrorism"):
        ModelSettings(rate_hosted_terrorism=-1.0)
    with pytest.raises(foedus.FoedusError, match="no-such-kind"):
        threat_overrides(None, ["no-such-kind=1"])
    with pytest.raises(foedus.FoedusError, match="KIND=RATE"):
        threat_overrides(None, ["civil-war-humanitarian"])
    with pytest.raises(foedus.FoedusError, match="rate_cyber_below_threshold"):
        threat_overrides(None, {"cyber-below-threshold": 99.0})
    assert threat_overrides("documented", ["hosted-terrorism=0.5"]) == {
        "threats": "documented", "rate_hosted_terrorism": 0.5}


def test_a_threat_files_rate_is_bounded(tmp_path: Path) -> None:
    text = (Path(foedus.rules.__file__).parent / "threats" / "civil-war-humanitarian.toml"
            ).read_text(encoding="utf-8")
    bad = tmp_path / "civil.toml"
    bad.write_text(text.replace("per_100_state_years = 1.7", "per_100_state_years = 25"),
                   encoding="utf-8")
    with pytest.raises(foedus.FoedusError, match=r"civil\.toml.*rate\.per_100_state_years"):
        load_threat(bad)


def test_the_cli_refuses_a_bad_rate_with_exit_code_2() -> None:
    runner = CliRunner()
    for arg in ("civil-war-humanitarian=50", "terror=1", "civil-war-humanitarian"):
        res = runner.invoke(main, ["compare", "--charters", "self-help", "--replications", "1",
                                   "--years", "1", "--states", "5", "--no-report",
                                   "--threat-rate", arg])
        assert res.exit_code == 2, (arg, res.output)
        assert "Traceback" not in res.output
    res = runner.invoke(main, ["compare", "--threats", "everything"])
    assert res.exit_code == 2


def test_compare_reports_per_kind_in_tables_events_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["compare", "--charters", "un-1945,nato", "--replications", "2",
                               "--years", "12", "--states", "24", "--workers", "1",
                               "--threats", "documented", "--threat-rate",
                               "hosted-terrorism=3", "--out", str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    assert "Kinds of threat" in res.output and "civil-war-humanitarian" in res.output
    assert (tmp_path / "rep" / "threats.png").exists()
    html = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert "<h2>Kinds of threat</h2>" in html
    comp = foedus.Comparison.from_store(tmp_path / "rep" / "results.duckdb")
    assert {"interstate-aggression", "hosted-terrorism", "civil-war-humanitarian"} <= set(
        comp.events["threat"])
    assert {"acted", "force", "assistance", "peacekeeping"} <= set(comp.events.columns)
    doc = comp.document()
    assert doc["threats"]["nato"]["cyber-below-threshold"]["threat_acted"]["mean"] in (0.0, None)
    assert set(doc["threats"]["un-1945"]) >= {"interstate-aggression", "civil-war-humanitarian"}
    assert doc["results"]["nato"]["threat_acted_cyber_below_threshold"]["mean"] in (0.0, None)
    assert doc["results"]["un-1945"]["threat_per_100_civil_war_humanitarian"]["mean"] > 0


def test_the_docs_worked_experiment_has_its_documented_shape() -> None:
    # docs/threats.md, "Worked experiment", at a small size: the shape, not the numbers
    systems = ["un-1945", "nato", "league-1920", "self-help"]
    comp = foedus.compare(systems, replications=2, years=15, n_states=30, seed=18, workers=1,
                          progress=False, threats="documented", rate_cyber_above_threshold=0.5)
    agenda = foedus.experiments.threat_agenda(comp.events, 2, comp.charters)
    assert list(agenda.columns) == list(foedus.experiments.AGENDA_COLUMNS)
    assert set(agenda["charter"]) == set(systems)
    wide = comp.wide()
    for kind in ("cyber-below-threshold", "civil-war-humanitarian"):
        slug = kind.replace("-", "_")
        assert (wide[f"threat_per_100_{slug}"] > 0).all(), kind  # every system meets them
        assert wide.loc["nato", f"threat_acted_{slug}"] == 0.0  # never an armed attack
        assert wide.loc["self-help", f"threat_acted_{slug}"] == 0.0  # no institution
    un = agenda[agenda["charter"] == "un-1945"].set_index("threat")
    assert un["agenda_share"].sum() == pytest.approx(1.0)
    assert un.loc["civil-war-humanitarian", "crises_per_run"] > 0
    nato = agenda[agenda["charter"] == "nato"].set_index("threat")
    for kind in ("cyber-below-threshold", "civil-war-humanitarian"):
        assert nato.loc[kind, "acted_per_run"] == 0.0
    assert (agenda.loc[agenda["charter"] == "self-help", "acted_per_run"] == 0).all()
