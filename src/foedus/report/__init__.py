"""``foedus.report``: what a comparison looks like on paper — tables, plots and an HTML report
with its methods paragraph."""

from .._public import publish
from .compare import (
    GROUPS,
    LABELS,
    ComparisonResults,
    methods_text,
    plot_coalitions,
    plot_key_metrics,
    plot_over_time,
    write_report,
)

__all__ = ["GROUPS", "LABELS", "ComparisonResults", "methods_text", "plot_coalitions", "plot_key_metrics",
           "plot_over_time", "write_report"]

publish(__name__, globals(), __all__)
