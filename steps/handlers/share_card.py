"""Lambda: share the card with every account of the deploy-time share policy (idempotent)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from mcgov.steps.card.store import describe_card
from mcgov.steps.common.aws import make_session
from mcgov.steps.handlers.config import load_runtime_policy
from mcgov.steps.handlers.runtime import lambda_entry, parse_event
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import ensure_share


class ShareCardEvent(BaseModel):
    """Only the card: principals come from the policy, so any other field is refused."""

    model_config = ConfigDict(extra="forbid")

    card_arn: str


@lambda_entry("share_card")
def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    request = parse_event(ShareCardEvent, event)
    policy = load_runtime_policy()
    card_arn = policy.card_arn(request.card_arn, source="event", field="card_arn")
    session = make_session()
    sagemaker = session.client("sagemaker", region_name=policy.region)
    describe_card(sagemaker, card_arn, source="event", field="card_arn")  # no share for a missing card
    result = ensure_share(ram_client(session, policy.region), policy, card_arn)
    shares = [
        {"stage": s.stage, "share_arn": s.share_arn, "permission_arn": s.permission_arn, "created": s.created}
        for s in result.stages
    ]
    return {
        "card_arn": card_arn,
        "shares": shares,
        "drift": result.drift,
        "stages": [s.to_dict() for s in result.stages],
    }
