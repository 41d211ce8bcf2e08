"""``foedus.report``: what results look like on paper — tables, plots and HTML reports from one
Jinja2 template stack (``report/templates``): the comparison report (:func:`write_report`) and
the report of a results store (:func:`results_report`), the backtest and hindcast reports
(:func:`backtest_report`, :func:`hindcast_report`); interactive Plotly figures that work offline
(``report/figures.py``) beside the static PNGs."""

from .._public import publish
from .compare import (
    GROUPS,
    LABELS,
    ComparisonResults,
    interactive_figures,
    methods_text,
    plot_benefit,
    plot_coalitions,
    plot_contrasts,
    plot_key_metrics,
    plot_over_time,
    write_report,
)
from .sweep import parse_condition, results_report, system_contrasts
from .validation import backtest_report, hindcast_report

__all__ = ["GROUPS", "LABELS", "ComparisonResults", "backtest_report", "hindcast_report",
           "interactive_figures", "methods_text", "parse_condition", "plot_benefit",
           "plot_coalitions", "plot_contrasts", "plot_key_metrics", "plot_over_time",
           "results_report", "system_contrasts", "write_report"]

publish(__name__, globals(), __all__)
