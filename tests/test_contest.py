"""One definition of what the crisis engine and the aggressor's forecast share: the contest
success function, the loss-of-strength gradient, scope and obligations."""

from __future__ import annotations

import numpy as np
import pytest

from foedus import generate_world
from foedus.engine import scope
from foedus.engine.behaviour import Behaviour, projected_capability
from foedus.engine.contest import Gradient, contest_success
from foedus.engine.institution import Institution
from foedus.engine.model import Model


def test_scalar_and_array_contests_agree() -> None:
    rng = np.random.default_rng(0)
    first = np.exp(rng.uniform(-20, 2, 500))
    second = np.exp(rng.uniform(-20, 2, 500))
    first[:5] = 0.0
    second[3:8] = 0.0
    for gamma in (0.5, 1.0, 3.0):
        arr = contest_success(first, second, gamma)
        one = [contest_success(float(x), float(y), gamma) for x, y in zip(first, second, strict=True)]
        np.testing.assert_allclose(arr, one, rtol=1e-12, atol=1e-300)
    assert contest_success(0.0, 0.0, 1.0) == 0.5
    assert contest_success(1.0, 0.0, 1.0) == 1.0 and contest_success(0.0, 1.0, 1.0) == 0.0
    assert contest_success(np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0]), 1.0).tolist() \
        == [0.5, 1.0, 0.0]


@pytest.mark.parametrize("gradient", ["bdm", "exponential", "none"])
def test_the_engine_gradient_is_the_forecasts(gradient: str) -> None:
    world = generate_world(12, rng=5)
    beh = Behaviour(gradient=gradient)
    g = Gradient(beh)
    scale = max(1.0, float(world.capability.max()))
    full = projected_capability(world, world.distance, beh)
    np.testing.assert_array_equal(
        full, g.project(world.capability[:, None], g.token(world.distance), scale))


@pytest.mark.parametrize("charter", ["nato", "un-1965", "collective-security", "rio", "self-help"])
def test_vectorised_scope_is_the_institutions(charter: str) -> None:
    world = generate_world(20, rng=2)
    inst = Institution.in_world(charter, world, np.random.default_rng(2))
    a, t = np.divmod(np.arange(400), 20)
    ok = a != t
    vec = scope.in_scope(inst, a[ok], t[ok])
    one = [inst.in_scope(int(x), int(y)) for x, y in zip(a[ok], t[ok], strict=True)]
    assert vec.tolist() == one


def test_the_forecast_reads_the_procedure_with_the_engines_weights() -> None:
    m = Model("un-1965-ufp", generate_world(20, rng=1), rng=1)
    for info, step in zip(m.forecast.steps, m.charter.procedure, strict=True):
        assert info.weight == scope.weight(step.bindingness)
        assert info.binding == scope.obliges_all(step.bindingness)
