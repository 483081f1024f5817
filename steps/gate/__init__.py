"""Promotion gate: allow a stage only when its RAM share is ASSOCIATED and the card status suffices.

Import from the defining module (``decision``, ``reader``, ``poller``, ``service`` ...); this file exports nothing.
"""
