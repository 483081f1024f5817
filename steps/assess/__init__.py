"""Assess card content against the frameworks auditors ask for (EU AI Act Annex IV, NIST AI RMF, ISO/IEC 42001).

Import from the defining modules: ``catalog`` (framework names), ``frameworks`` (the typed framework and its
loader), ``assessment`` (the pure scoring), ``report`` (table and JSON), ``checks`` (policy conditions) and
``paths`` (card content paths).
"""
