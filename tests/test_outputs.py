"""Research-grade outputs: intervals within their metric's domain, paired contrasts under common
random numbers, provenance and citation."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import foedus
from foedus.cli import main
from foedus.engine.metrics import REGISTRY
from foedus.experiments import FEW_RUNS, Comparison, compare, interval, method_for, wilson
from foedus.experiments.intervals import paired_contrast

FAST = {"replications": 6, "years": 12, "n_states": 20, "progress": False, "workers": 1}


@pytest.fixture(scope="module")
def comp() -> Comparison:
    return compare(["un-1965", "un-no-veto", "self-help"], seed=2, **FAST)


def test_rates_get_wilson_at_the_boundary_not_a_point() -> None:
    iv = interval(np.zeros(20), "response_rate")
    assert iv.method == "bca-wilson" and iv.low == 0.0
    assert iv.high == pytest.approx(wilson(0, 20)[1]) and 0.15 < iv.high < 0.17
    one = interval(np.ones(10), "aggressor_success_rate")
    assert one.high == 1.0 and one.low < 1.0


def test_no_interval_leaves_the_domain() -> None:
    rng = np.random.default_rng(0)
    for name, metric in REGISTRY.items():
        lo, hi = metric.domain
        for n in (2, 3, 7, 25):
            vals = rng.uniform(max(lo, -1.0), min(hi, 1.0 if metric.kind == "rate" else 10.0), n)
            iv = interval(vals, name)
            assert lo <= iv.low <= iv.mean <= iv.high <= hi, (name, n, iv)


def test_few_runs_flagged_and_one_run_has_no_interval() -> None:
    assert interval([0.2, 0.4], "response_rate").few_runs
    assert not interval(np.linspace(0, 1, FEW_RUNS), "response_rate").few_runs
    iv = interval([3.0], "state_deaths")
    assert math.isnan(iv.low) and iv.n == 1


def test_one_method_per_metric_everywhere(comp: Comparison) -> None:
    for row in comp.table.itertuples():
        assert row.method == method_for(row.metric)
    d = comp.document()
    assert all(v["method"] == method_for(m) for m, v in d["intervals"].items())
    for metrics in d["results"].values():
        for m, stat in metrics.items():
            assert stat["method"] == method_for(m)
            lo, hi = REGISTRY[m].domain
            if stat["ci_low"] is not None:
                assert lo <= stat["ci_low"] <= stat["ci_high"] <= hi


def test_paired_contrasts_are_per_replication_differences(comp: Comparison) -> None:
    c = comp.contrasts("un-1965")
    assert set(c["charter"]) == {"un-no-veto", "self-help"}
    row = c[(c.charter == "un-no-veto") & (c.metric == "attempts_per_100")].iloc[0]
    a = comp.runs[comp.runs.charter == "un-no-veto"].set_index("replication")["attempts_per_100"]
    b = comp.runs[comp.runs.charter == "un-1965"].set_index("replication")["attempts_per_100"]
    assert row["difference"] == pytest.approx((a - b).mean())
    assert row["ci_low"] <= row["difference"] <= row["ci_high"]
    assert paired_contrast([1, 2, 3], [1, 2, 3], "state_deaths").high == 0.0
    with pytest.raises(foedus.FoedusError):
        comp.contrasts("no-such-system")


def test_document_carries_provenance(comp: Comparison) -> None:
    d = comp.document("un-1965")
    assert d["provenance"]["foedus_version"] == foedus.__version__
    assert d["provenance"]["seed"] == 2
    assert d["provenance"]["world"]["kind"] == "synthetic"
    un = next(c for c in d["provenance"]["charters"] if c["id"] == "un-1965")
    assert any("27(3)" in a for a in un["articles"])
    assert d["contrasts"]["self-help"]["response_rate"]["method"] == "paired-bca"
    json.dumps(d, default=str)


def test_report_names_methods_contrasts_and_sources(comp: Comparison, tmp_path: Path) -> None:
    path = foedus.write_report(comp, tmp_path / "rep", baseline="un-1965")
    text = path.read_text(encoding="utf-8")
    assert "Paired differences from un-1965" in text and "bca-wilson" in text
    assert "Wilson score interval" in text and "generated the world" in text
    assert text.count("data:image/png;base64,") == 6  # with who benefits (benefit.png)
    assert "Behavioural parameters and their sources" in text and "Art. 27(3)" in text
    assert (tmp_path / "rep" / "contrasts.csv").stat().st_size > 0
    assert json.loads((tmp_path / "rep" / "provenance.json").read_text())["seed"] == 2


def test_cli_baseline_and_cite(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(main, ["compare", "--charters", "un-1965,un-no-veto", "--replications", "3",
                             "--years", "5", "--states", "14", "--workers", "1", "--no-report",
                             "--baseline", "un-1965"])
    assert r.exit_code == 0, r.output
    assert "Difference from un-1965" in r.output and "paired-bca" in r.output
    bad = runner.invoke(main, ["compare", "--charters", "un-1965", "--baseline", "nato-1949",
                               "--no-report"])
    assert bad.exit_code == 2 and "baseline" in bad.output
    cite = runner.invoke(main, ["cite", "--bibtex"])
    assert cite.exit_code == 0 and "@software{foedus" in cite.output


def test_data_year_provenance_and_bibtex(runner: CliRunner, shared_data: Path) -> None:
    r = runner.invoke(main, ["cite", "--bibtex", "--year", "1935", "--data-dir", str(shared_data)])
    assert r.exit_code == 0, r.output
    assert "@misc{cow-states" in r.output and "@misc{atop" in r.output
    c = compare(["league-1920", "self-help"], year=1935, data_dir=shared_data, replications=2,
                years=3, progress=False, workers=1)
    assert c.provenance["world"]["kind"] == "data"
    assert "cow-nmc7" in c.provenance["world"]["datasets"] or "cow-nmc" in c.provenance["world"]["datasets"]
    assert "built from data for year 1935" in foedus.report.methods_text(c) or \
        "year 1935" in foedus.report.methods_text(c)


def test_cff_is_there() -> None:
    cff = (Path(__file__).resolve().parents[1] / "CITATION.cff").read_text(encoding="utf-8")
    assert "cff-version" in cff and f'version: "{foedus.__version__}"' in cff
