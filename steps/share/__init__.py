"""RAM sharing of model cards: one deterministic share per (card, stage), converged from a share policy.

Import from the defining module (``converge``, ``client``, ``plan`` ...); this file exports nothing.
"""
