"""Deploy-time configuration of the Lambdas, read from their environment (never from the event).

Security rule: the share policy, and so every principal a card can reach, comes from ``MCGOV_POLICY_URI``
set at deploy time; nothing in an event can name another policy or add an account.

The policy is read through a Powertools Parameters provider (``PolicyProvider``) and cached for
``MCGOV_POLICY_MAX_AGE`` seconds (default 300): a policy object updated in place at ``MCGOV_POLICY_URI`` reaches a
warm container within that time, instead of at its next cold start. The URI itself stays the deploy-time one.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools.utilities.parameters.base import BaseProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

from mcgov.errors import BadInputError, GovernanceError
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.policy import load_policy

POLICY_ENV = "MCGOV_POLICY_URI"
POLICY_MAX_AGE_ENV = "MCGOV_POLICY_MAX_AGE"
DEFAULT_POLICY_MAX_AGE = 300
APPROVAL_STAGE_ENV = "MCGOV_APPROVAL_STAGE"
GATE_MARGIN_SECONDS = 10.0
TABLE_ENV = "MCGOV_GATE_TABLE"


class PolicyProvider(BaseProvider):
    """A Powertools Parameters provider of share policies: the parsed, validated policy at a URI (path or s3://)."""

    def _get(self, name: str, **sdk_options: Any) -> Any:
        return load_policy(name)

    def _get_multiple(self, path: str, **sdk_options: Any) -> dict[str, str]:
        raise NotImplementedError("a share policy is read by its URI only")


_provider = PolicyProvider()


def policy_uri() -> str:
    uri = os.environ.get(POLICY_ENV)
    if not uri:
        raise BadInputError(
            f"{POLICY_ENV} is not set: point it at the share policy (s3://bucket/key.yaml or a packaged path)"
        )
    return uri


def policy_max_age() -> int:
    """Seconds a read policy is kept (``MCGOV_POLICY_MAX_AGE``, a whole number >= 0; 0 reads it every time)."""
    text = os.environ.get(POLICY_MAX_AGE_ENV, str(DEFAULT_POLICY_MAX_AGE)).strip()
    if not (text.isascii() and text.isdigit()):
        raise BadInputError(f"{POLICY_MAX_AGE_ENV} must be a whole number of seconds (0 or more)")
    return int(text)


def load_runtime_policy() -> SharePolicy:
    """The policy named by ``MCGOV_POLICY_URI``, read at most once per ``MCGOV_POLICY_MAX_AGE`` seconds per
    container. A failure keeps its type (Powertools wraps it in ``GetParameterError``; the original is re-raised)."""
    try:
        policy = _provider.get(policy_uri(), max_age=policy_max_age())
    except GetParameterError as exc:
        if isinstance(exc.__context__, GovernanceError):
            raise exc.__context__ from None
        raise
    assert isinstance(policy, SharePolicy)
    return policy


def registration_table() -> str | None:
    """The waiting-gate registrations table (``MCGOV_GATE_TABLE``, set by the stack); None when unset: gates then
    poll only."""
    return os.environ.get(TABLE_ENV) or None


def clear_policy_cache() -> None:
    _provider.clear_cache()
