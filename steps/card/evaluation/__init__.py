"""Evaluation-report parsers: Clarify, Model Monitor, pipeline evaluation.json and ready-made metric groups.

Pure functions: decoded JSON in, card ``metric_groups`` out, valid against the strict card schema and the
limits it forgets (``mcgov.steps.card.limits``). Every failure is a ``BadInputError``. The entry points are
in ``mcgov.steps.card.evaluation.api``; this file exports nothing.
"""
