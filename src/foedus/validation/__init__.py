"""Validation: the model scored against the historical record (docs/validation.md)."""
from .record import RECORD_METRICS, record_metrics, tail_slope

__all__ = ["RECORD_METRICS", "record_metrics", "tail_slope"]
