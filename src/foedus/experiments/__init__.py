"""``foedus.experiments``: experiments as data and the one way they run.

An :class:`Experiment` (a TOML file or built in Python) names the world, the systems, the
behaviour, a design and the replications; :func:`sweep` runs it through an executor (serial,
processes, Dask) into a crash-safe DuckDB :class:`ResultStore`; :func:`compare` is the main
job — a one-point experiment read back as a :class:`Comparison` — and the analysis functions
summarise, export and report a store. Built-in experiments live in ``experiments/library``.
"""

from .._public import publish
from .analysis import (
    EXPORT_FORMATS,
    export_results,
    morris_indices,
    results_summary,
    results_table,
    sobol_indices,
)
from .compare import (
    CONTRAST_COLUMNS,
    EVENT_COLUMNS,
    SUMMARY_COLUMNS,
    Comparison,
    compare,
    comparison_experiment,
    contrast_table,
    contrasts_to_dict,
    summary_table,
)
from .designs import DESIGNS, FullFactorial, LatinHypercube, Morris, NoDesign, Sobol
from .discovery import Box, Discovery, cart, prim
from .executors import BACKENDS, SerialExecutor, default_workers, open_executor
from .experiment import (
    Experiment,
    Scenario,
    builtin_experiment_ids,
    builtin_experiments,
    experiment_from_dict,
    load_experiment,
)
from .intervals import FEW_RUNS, METHODS, Interval, interval, method_for, paired_contrast, wilson
from .provenance import FOEDUS_CITATION, bibtex, charter_articles, citations, provenance
from .records import CRISIS_LOG
from .runner import RunTask, SweepResult, make_tasks, run_one, sweep, task_world
from .store import SCHEMA_VERSION, TABLES, ResultStore
from .threats import AGENDA_COLUMNS, threat_agenda

__all__ = [
    "AGENDA_COLUMNS",
    "BACKENDS",
    "CONTRAST_COLUMNS",
    "CRISIS_LOG",
    "DESIGNS",
    "EVENT_COLUMNS",
    "EXPORT_FORMATS",
    "FEW_RUNS",
    "FOEDUS_CITATION",
    "METHODS",
    "SCHEMA_VERSION",
    "SUMMARY_COLUMNS",
    "TABLES",
    "Box",
    "Comparison",
    "Discovery",
    "Experiment",
    "FullFactorial",
    "Interval",
    "LatinHypercube",
    "Morris",
    "NoDesign",
    "ResultStore",
    "RunTask",
    "Scenario",
    "SerialExecutor",
    "Sobol",
    "SweepResult",
    "bibtex",
    "builtin_experiment_ids",
    "builtin_experiments",
    "cart",
    "charter_articles",
    "citations",
    "compare",
    "comparison_experiment",
    "contrast_table",
    "contrasts_to_dict",
    "default_workers",
    "experiment_from_dict",
    "export_results",
    "interval",
    "load_experiment",
    "make_tasks",
    "method_for",
    "morris_indices",
    "open_executor",
    "paired_contrast",
    "prim",
    "provenance",
    "results_summary",
    "results_table",
    "run_one",
    "sobol_indices",
    "summary_table",
    "sweep",
    "task_world",
    "threat_agenda",
    "wilson",
]

publish(__name__, globals(), __all__)
