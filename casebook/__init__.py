"""Leg Pain Casebook: case-based clinical reasoning about leg pain (teaching material, not a diagnostic device)."""

from .loading import bundled_cases_dir, load
from .model import Case, Casebook, CaseError, Condition, Problem, Question, QuestionBank

__all__ = [
    "load",
    "bundled_cases_dir",
    "Case",
    "CaseError",
    "Casebook",
    "Condition",
    "Problem",
    "Question",
    "QuestionBank",
]
__version__ = "0.1.0"
