"""docs/claims.md: each claim of issue 18 links to a worked experiment whose commands are valid,
and the appeasement experiment (now a `foedus compare --set` command) keeps its documented shape
at small size."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

import foedus
from foedus.cli import main
from foedus.engine import parse_settings
from foedus.experiments import builtin_experiment_ids

DOCS = Path(__file__).resolve().parents[1] / "docs"
REPO = DOCS.parent
CLAIM_DOCS = ("claims.md", "arms.md", "appeasement.md", "delegation.md", "benefit.md", "cli.md")


def _slug(heading: str) -> str:
    """The anchor mkdocs gives a heading (lower case, punctuation dropped, spaces as '-')."""
    text = re.sub(r"[^\w\s-]", "", heading.strip().lower())
    return re.sub(r"\s+", "-", text)


def test_every_claim_links_a_worked_experiment_that_exists() -> None:
    rows = [line for line in (DOCS / "claims.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and "](" in line]
    assert len(rows) >= 6  # the claims of the issue
    for row in rows:
        doc, _, anchor = re.search(r"\]\(([\w.-]+\.md)(#[\w-]+)?\)", row).group(1, 1, 2)
        text = (DOCS / doc).read_text(encoding="utf-8")
        if anchor:
            slugs = {_slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}
            assert anchor[1:] in slugs, f"claims.md links {doc}{anchor}, not a heading there"
            assert "```bash" in text and "What this shows" in text, doc
        for test in re.findall(r"`(tests/test_\w+\.py)`", row):
            assert (REPO / test).exists(), test


def test_every_set_and_sweep_in_the_worked_experiments_is_valid() -> None:
    """A `--set FIELD=VALUE` in the docs is a setting `foedus compare` accepts; a `foedus sweep
    ID` is a built-in experiment."""
    found = 0
    for name in CLAIM_DOCS:
        text = (DOCS / name).read_text(encoding="utf-8")
        blocks = re.findall(r"```(?:bash|console)\n(.*?)```", text, re.S)
        commands = [c for b in blocks for c in b.replace("\\\n", " ").splitlines()]
        for command in (c for c in commands if "foedus compare" in c):
            sets = re.findall(r"--set (\S+=\S+)", command)
            if sets:
                parse_settings(sets)  # raises on an unknown field or a bad value
                found += 1
        for exp in re.findall(r"foedus sweep ([a-z][\w-]*)", text):
            assert exp in builtin_experiment_ids(), f"{name}: foedus sweep {exp}"
    assert found >= 6


def test_the_appeasement_experiment_at_small_size_has_its_documented_shape(
        runner: CliRunner) -> None:
    """docs/appeasement.md: under the League nothing changes; under the UN of 1945 the Council
    presses concessions, loses credibility, and aggressors gain more often."""
    args = ["compare", "--charters", "league-1920,un-1945", "--replications", "3", "--years",
            "30", "--seed", "1", "--workers", "1", "--no-report", "--json"]
    off_r, on_r = runner.invoke(main, args), runner.invoke(main, [*args, "--set",
                                                                  "appeasement=on"])
    assert off_r.exit_code == 0 and on_r.exit_code == 0, off_r.output + on_r.output
    off, on = (json.loads(r.stdout)["results"] for r in (off_r, on_r))

    def mean(res: dict, system: str, metric: str) -> float:  # type: ignore[type-arg]
        return float(res[system][metric]["mean"])

    for m in ("attempts_per_100", "aggressor_success_rate", "mean_credibility"):
        assert mean(on, "league-1920", m) == mean(off, "league-1920", m)
    assert mean(on, "league-1920", "concessions_per_100") == 0.0
    assert off["un-1945"]["pressed_concessions"]["mean"] is None  # off: undefined
    assert mean(on, "un-1945", "pressed_concessions") > 0
    assert mean(on, "un-1945", "appeasement_sequels_per_100") > 0
    assert mean(on, "un-1945", "mean_credibility") < mean(off, "un-1945", "mean_credibility")
    assert mean(on, "un-1945", "aggressor_success_rate") > \
        mean(off, "un-1945", "aggressor_success_rate")
    assert foedus.ModelSettings().appeasement == "off"
