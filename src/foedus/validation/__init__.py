"""Validation: the model scored against the historical record (docs/validation.md).

- :mod:`~foedus.validation.record`: the record's metrics from COW wars, MIDs, the state system
  and ATOP (:func:`record_metrics`);
- :mod:`~foedus.validation.backtest`: the model run from the real world of a year and compared
  with the record (:func:`backtest`, :func:`backtest_eras`);
- :mod:`~foedus.validation.hindcast`: yearly probabilities per directed dyad against the record
  and a dangerous-dyads logit (:func:`hindcast`);
- :mod:`~foedus.validation.calibrate`: the free parameters fitted to the record (:func:`calibrate`);
- :mod:`~foedus.validation.screen`: which free parameters move the fit, Morris's elementary
  effects (:func:`screen`);
- :mod:`~foedus.validation.report`: HTML reports with plots.
"""

from .._public import publish
from .backtest import ERAS, BacktestResult, backtest, backtest_eras, era_charter, era_settings
from .calibrate import (
    SPACE,
    Calibration,
    calibrate,
    evaluate,
    parse_periods,
    published_reliability,
    subspace,
)
from .hindcast import FEATURES, HISTORY_FEATURES, Hindcast, hindcast, mid_auc, model_year
from .progress import progress_bar
from .record import RECORD_METRICS, record_metrics, tail_slope
from .report import backtest_table, write_backtest_report, write_hindcast_report
from .scores import auc, brier, calibration_bins
from .screen import Screening, screen

__all__ = [
    "ERAS",
    "FEATURES",
    "HISTORY_FEATURES",
    "RECORD_METRICS",
    "SPACE",
    "BacktestResult",
    "Calibration",
    "Hindcast",
    "Screening",
    "auc",
    "backtest",
    "backtest_eras",
    "backtest_table",
    "brier",
    "calibrate",
    "calibration_bins",
    "era_charter",
    "era_settings",
    "evaluate",
    "hindcast",
    "mid_auc",
    "model_year",
    "parse_periods",
    "progress_bar",
    "published_reliability",
    "record_metrics",
    "screen",
    "subspace",
    "tail_slope",
    "write_backtest_report",
    "write_hindcast_report",
]

publish("foedus.validation", globals(), __all__)
