"""Deploy-time configuration of the Lambdas, read from their environment (never from the event).

Security rule: the share policy, and so every principal a card can reach, comes from ``MCGOV_POLICY_URI``
set at deploy time; nothing in an event can name another policy or add an account.
"""

from __future__ import annotations

import functools
import os

from mcgov.errors import BadInputError
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.policy import load_policy

POLICY_ENV = "MCGOV_POLICY_URI"
APPROVAL_STAGE_ENV = "MCGOV_APPROVAL_STAGE"
GATE_MARGIN_SECONDS = 10.0


def policy_uri() -> str:
    uri = os.environ.get(POLICY_ENV)
    if not uri:
        raise BadInputError(
            f"{POLICY_ENV} is not set: point it at the share policy (s3://bucket/key.yaml or a packaged path)"
        )
    return uri


def load_runtime_policy() -> SharePolicy:
    """The policy named by ``MCGOV_POLICY_URI``, read once per Lambda container (an S3 client only for s3://)."""
    return _cached_policy(policy_uri())


@functools.lru_cache(maxsize=4)
def _cached_policy(uri: str) -> SharePolicy:
    return load_policy(uri)


def clear_policy_cache() -> None:
    _cached_policy.cache_clear()
