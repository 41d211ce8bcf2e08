"""One metric registry: every metric named, labelled, grouped, defined, cited and bounded."""

from __future__ import annotations

import math

import pytest

from foedus.engine.metrics import (
    COUNT_METRICS,
    GROUPS,
    KEY_METRICS,
    KINDS,
    LABELS,
    METRICS,
    REGISTRY,
    Metric,
)
from foedus.engine.model import simulate


def test_every_metric_is_fully_described() -> None:
    for name, m in REGISTRY.items():
        assert m.name == name
        assert m.label and m.group and m.definition and m.citation, name
        assert m.kind in KINDS and m.function is not None
        lo, hi = m.domain
        assert KINDS[m.kind][0] <= lo < hi <= KINDS[m.kind][1]


def test_the_old_tables_are_views_of_the_registry() -> None:
    assert list(METRICS) == list(REGISTRY) == list(LABELS)
    assert all(METRICS[n] == m.definition for n, m in REGISTRY.items())
    assert set(KEY_METRICS) <= set(REGISTRY)
    assert {"state_deaths", "vetoed_determinations", "ufp_sessions", "polarity", "authorised_crises",
            "target_deaths_small", "target_deaths_middle", "target_deaths_great",
            "pressed_concessions",
            "deterrent_programmes", "deterrents_acquired"} == COUNT_METRICS
    assert sorted(n for g in GROUPS.values() for n in g) == sorted(REGISTRY)


def test_a_bad_kind_or_domain_is_refused() -> None:
    with pytest.raises(ValueError):
        Metric("x", "X", "g", "d", "c", "ratio", None)
    with pytest.raises(ValueError):
        Metric("x", "X", "g", "d", "c", "rate", None, domain=(0.0, 2.0))


@pytest.mark.parametrize("charter", ["un-1965-ufp", "balance-of-power", "nato"])
def test_a_runs_metrics_lie_in_their_domains(charter: str) -> None:
    res = simulate(charter, rng=7, n_states=24, years=15)
    assert list(res.metrics) == list(REGISTRY)
    for name, value in res.metrics.items():
        if math.isfinite(value):
            lo, hi = REGISTRY[name].domain
            assert lo - 1e-12 <= value <= hi + 1e-12, (name, value)
            if REGISTRY[name].kind == "count":
                assert value == int(value)
