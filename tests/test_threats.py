"""Kinds of threat as data (issue 18): the schema, the built-in kinds and ``foedus threats``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from foedus import FoedusError
from foedus.cli import main
from foedus.rules import Threat, builtin_threat_ids, load_threat

BUILT_IN = {"interstate-aggression", "hosted-terrorism", "cyber-below-threshold",
            "cyber-above-threshold", "civil-war-humanitarian"}

GOOD = """
id = "blockade"
name = "Naval blockade"
sources = ["GA Res. 3314 (XXIX), Art. 3(c)"]
[attribution]
ambiguity = 0.1
responsible = "attacker"
[thresholds.armed_attack]
meets = "yes"
basis = "GA Res. 3314, Art. 3(c)"
[thresholds.threat_to_the_peace]
meets = "yes"
basis = "UN Charter Art. 39"
[[responses]]
kind = "force"
basis = "Art. 51"
"""


def test_the_built_in_kinds_are_there_with_sources_and_their_thresholds() -> None:
    assert set(builtin_threat_ids()) == BUILT_IN
    for ident in BUILT_IN:
        t = load_threat(ident)
        assert t.id == ident and t.sources and all(r.basis for r in t.responses)
    # the legal facts the files encode
    assert load_threat("interstate-aggression").thresholds.armed_attack.meets == "yes"
    terror = load_threat("hosted-terrorism")
    assert terror.attribution.responsible == "host"
    assert terror.thresholds.threat_to_the_peace.meets == "yes"
    assert any("1368" in s for s in terror.sources)
    assert load_threat("cyber-below-threshold").thresholds.armed_attack.meets == "no"
    assert load_threat("cyber-below-threshold").response("force") is None
    civil = load_threat("civil-war-humanitarian")
    assert civil.attribution.responsible == "none"
    assert civil.thresholds.armed_attack.meets == "no"
    assert civil.thresholds.threat_to_the_peace.meets == "yes"
    keeping = civil.response("peacekeeping")
    assert keeping is not None and keeping.consent == "host"
    # attribution of cyber operations is the most ambiguous
    amb = {i: load_threat(i).attribution.ambiguity for i in BUILT_IN}
    assert max(amb, key=amb.__getitem__) == "cyber-below-threshold"


def test_a_users_file_loads_and_bad_files_name_file_field_and_problem(tmp_path: Path) -> None:
    good = tmp_path / "blockade.toml"
    good.write_text(GOOD, encoding="utf-8")
    t = load_threat(good)
    assert isinstance(t, Threat) and t.response("force") is not None
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace("ambiguity = 0.1", "ambiguity = 1.5")
                   .replace('kind = "force"', 'kind = "prayer"'), encoding="utf-8")
    with pytest.raises(FoedusError) as err:
        load_threat(bad)
    text = str(err.value)
    assert str(bad) in text and "attribution.ambiguity" in text and "responses[0].kind" in text
    twice = tmp_path / "twice.toml"
    twice.write_text(GOOD + '[[responses]]\nkind = "force"\nbasis = "again"\n', encoding="utf-8")
    with pytest.raises(FoedusError, match="listed twice: force"):
        load_threat(twice)
    strict = tmp_path / "strict.toml"
    strict.write_text(GOOD.replace("ambiguity = 0.1", 'ambiguity = "0.1"'), encoding="utf-8")
    with pytest.raises(FoedusError, match=r"attribution\.ambiguity"):
        load_threat(strict)


def test_foedus_threats_lists_the_kinds_and_shows_one(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["threats", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert {r["id"] for r in rows} == BUILT_IN
    res = runner.invoke(main, ["threats", "hosted-terrorism"])
    assert res.exit_code == 0 and "1368" in res.output and "contested" in res.output
    res = runner.invoke(main, ["threats", "no-such-threat"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\n', encoding="utf-8")
    res = runner.invoke(main, ["threats", str(bad)])
    assert res.exit_code == 2 and "name: required field is missing" in res.output
