"""Lambda: sync one spoke into the hub (``handler``), and list the policy's spokes (``list_spokes``).

The hub-and-spoke policy comes from ``MCGOV_POLICY_URI`` (deploy time); an event names a spoke, which must be one
of the policy's. A spoke that could not be synced at all raises ``SpokeSyncError`` (``RetryableHandlerFailure``
when throttled or unavailable, so the state machine retries it); per-card failures are in the returned report.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr

from mcgov.steps.common.aws import make_session
from mcgov.steps.handlers.config import load_runtime_policy
from mcgov.steps.handlers.runtime import lambda_entry, parse_event
from mcgov.steps.hub.exceptions import SpokeSyncError
from mcgov.steps.hub.hub_side import hub_policy, sync_spoke
from mcgov.steps.share.client import client_config, ram_client


class HubSyncEvent(BaseModel):
    """One spoke of the deploy-time policy, and the run's options."""

    model_config = ConfigDict(extra="forbid")

    spoke: StrictStr
    prune: StrictBool = False
    dry_run: StrictBool = False


@lambda_entry("hub_sync")
def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    request = parse_event(HubSyncEvent, event)
    policy = hub_policy(load_runtime_policy(), "MCGOV_POLICY_URI")
    policy.spoke(request.spoke, source="event.spoke")
    session = make_session()
    report = sync_spoke(
        ram_client(session, policy.region),
        session.client("sagemaker", region_name=policy.region, config=client_config()),
        policy,
        request.spoke,
        prune=request.prune,
        dry_run=request.dry_run,
    )
    if report.error is not None:
        raise SpokeSyncError(f"spoke {request.spoke}: {report.error}", failure=report.failure)
    return report.to_dict(request.dry_run)


@lambda_entry("hub_list_spokes")
def list_spokes(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    policy = hub_policy(load_runtime_policy(), "MCGOV_POLICY_URI")
    return {"hub_account": policy.hub_account, "spokes": [s.account for s in policy.spokes]}
