"""``foedus.report``: what results look like on paper — tables, plots and HTML reports from one
Jinja2 template stack (``report/templates``): the comparison report (:func:`write_report`) and
the report of a results store (:func:`results_report`)."""

from .._public import publish
from .compare import (
    GROUPS,
    LABELS,
    ComparisonResults,
    methods_text,
    plot_benefit,
    plot_coalitions,
    plot_contrasts,
    plot_key_metrics,
    plot_over_time,
    write_report,
)
from .sweep import parse_condition, results_report, system_contrasts

__all__ = ["GROUPS", "LABELS", "ComparisonResults", "methods_text", "parse_condition",
           "plot_benefit", "plot_coalitions", "plot_contrasts", "plot_key_metrics", "plot_over_time",
           "results_report", "system_contrasts", "write_report"]

publish(__name__, globals(), __all__)
