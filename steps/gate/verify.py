"""Consumer-side verification: each target account describes the card by ARN and must see what the gate saw."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mcgov.errors import BadInputError
from mcgov.steps.common.aws import aws_errors
from mcgov.steps.gate.decision import Decision, card_summary
from mcgov.steps.gate.exceptions import ConsumerAccessError

DEFAULT_ROLE_PATTERN = "arn:aws:iam::{account}:role/{name}"


def role_arn(account: str, name: str, pattern: str = DEFAULT_ROLE_PATTERN) -> str:
    """Role ARN in ``account`` from ``pattern`` (placeholders ``{account}`` and ``{name}``)."""
    try:
        return pattern.format(account=account, name=name)
    except (KeyError, IndexError, ValueError):
        raise BadInputError(
            "--verify-role: the pattern is invalid; use placeholders {account} and {name} only"
        ) from None


def assumed_session(base_session: Any, arn: str, session_factory: Callable[..., Any], region: str | None) -> Any:
    """A session for role ``arn`` assumed with ``base_session``'s credentials (``ConsumerAccessError`` on failure)."""
    with aws_errors("sts", "assume_role", ConsumerAccessError):
        creds = base_session.client("sts", region_name=region).assume_role(
            RoleArn=arn, RoleSessionName="mcgov-gate-verify"
        )["Credentials"]
    return session_factory(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )


def verify_consumers(
    decision: Decision,
    sessions_or_role_arns: Mapping[str, Any],
    *,
    base_session: Any = None,
    region: str | None = None,
    session_factory: Callable[..., Any] | None = None,
) -> Decision:
    """Describe the card from every account of ``decision``; block unless version and content hash match.

    ``sessions_or_role_arns`` maps account id -> boto3 Session, or -> role ARN to assume with
    ``base_session``. The decision is updated in place and returned.
    """
    if not decision.allowed:
        return decision
    card_arn = decision.card.get("arn")
    target_region = region or (card_arn.split(":")[3] if card_arn else None)
    for account in [a for a, p in decision.principals.items() if p.get("in_policy", True)]:
        target = sessions_or_role_arns.get(account)
        if target is None:
            raise BadInputError(f"no session or role given for account {account}; pass one for every stage account")
        try:
            if isinstance(target, str):
                if base_session is None:
                    raise BadInputError("a role ARN was given without base_session to assume it from")
                factory = session_factory or type(base_session)
                session = assumed_session(base_session, target, factory, target_region)
            else:
                session = target
            with aws_errors("sagemaker", "describe_model_card", ConsumerAccessError):
                seen = card_summary(
                    session.client("sagemaker", region_name=target_region).describe_model_card(ModelCardName=card_arn)
                )
        except ConsumerAccessError as exc:
            text = exc.detail
            decision.consumer_checks[account] = {"ok": False, "error": text}
            decision.reasons.append(
                f"Account {account} cannot describe {card_arn} ({text}); check the share and the verify role."
            )
            continue
        ok = seen["version"] == decision.card.get("version") and seen["content_sha256"] == decision.card.get(
            "content_sha256"
        )
        decision.consumer_checks[account] = {
            "ok": ok,
            "version": seen["version"],
            "content_sha256": seen["content_sha256"],
        }
        if not ok:
            decision.reasons.append(
                f"Account {account} sees card version {seen['version']} / sha256 {seen['content_sha256']} but the gate "
                f"checked version {decision.card.get('version')} / {decision.card.get('content_sha256')}; re-run "
                "the gate."
            )
    decision.allowed = not decision.reasons
    return decision
