"""The gate's RAM reader: builds a ``StageShareState`` for one (card, stage) through the share client.

``read_stage_state`` is the only RAM reader of the gate. ``share_status`` prints the same view for
``mcgov share status``, so what an operator sees is what the gate checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mcgov.share_policies.documents import check_card_arn
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.gate.state import StageShareState
from mcgov.steps.share.client import get_associations, get_shares, list_associations, list_stage_shares
from mcgov.steps.share.naming import BATCH_PREFIX, is_batch_share, share_name
from mcgov.steps.share.permissions import share_permissions
from mcgov.steps.share.plan import Candidate, best_share, share_order
from mcgov.steps.share.quotas import SHARE_ARNS_PER_READ
from mcgov.steps.share.records import AssociationType, ResourceShare
from mcgov.steps.share.targets import stage_names


def read_stage_state(ram: Any, policy: SharePolicy, card_arn: str, stage: str) -> StageShareState:
    """Read every share that may grant ``card_arn`` for ``stage`` and keep the one closest to the policy.

    Candidates are the per-card share (``mcgov-<card>-<stage>``) and the batched shares
    (``mcgov-batch-<stage>-...``, written by ``mcgov reconcile``) that hold the card as a resource: found with
    GetResourceShareAssociations(RESOURCE, resourceArn=card), then GetResourceShares on those ARNs. Only live
    candidates carrying the stage's permission count, as RAM lists it (ListResourceSharePermissions, read once
    per share and process: ``mcgov.steps.share.permissions``), not as the share's tag says; ``active`` is the
    one with the fewest problems (``best_share``), its PRINCIPAL rows and the card's RESOURCE rows are returned.
    """
    permission = policy.stage_permission(stage)
    own = list_stage_shares(ram, card_arn, stage)
    card_rows = get_associations(ram, AssociationType.RESOURCE, resourceArn=card_arn)
    known = {s.arn for s in own}
    batch_prefix = f"{BATCH_PREFIX}{stage}-"
    others = sorted({r.share_arn for r in card_rows if (r.share_name or batch_prefix).startswith(batch_prefix)} - known)
    batched: list[ResourceShare] = []
    for start in range(0, len(others), SHARE_ARNS_PER_READ):
        found = get_shares(ram, resourceOwner="SELF", resourceShareArns=others[start : start + SHARE_ARNS_PER_READ])
        batched.extend(s for s in found if is_batch_share(s, stage))
    live_own = sorted((s for s in own if s.live), key=share_order)
    live_batched = [s for s in batched if s.live]
    permissions = {s.arn: share_permissions(ram, s.arn) for s in live_own + live_batched}
    verified_own = [s for s in live_own if permission in permissions[s.arn]]
    per_card = verified_own[0] if verified_own else None
    candidates: list[Candidate] = []
    for share in ([per_card] if per_card else []) + [s for s in live_batched if permission in permissions[s.arn]]:
        rows = tuple(r for r in card_rows if r.share_arn == share.arn)
        candidates.append((share, tuple(list_associations(ram, share.arn, AssociationType.PRINCIPAL)), rows))
    chosen = best_share(candidates, policy.stage(stage).accounts, card_arn)
    return StageShareState(
        stage=stage,
        share_name=share_name(card_arn, stage),
        shares=tuple(own + batched),
        active=chosen[0] if chosen else None,
        principal_associations=tuple(chosen[1]) if chosen else (),
        resource_associations=tuple(chosen[2]) if chosen else (),
        permissions=permissions,
    )


def share_status(ram: Any, policy: SharePolicy, card_arn: str, stages: Sequence[str] | None = None) -> dict:
    """Shares and associations of every requested stage, as plain data (RAM's field names)."""
    check_card_arn(policy, card_arn)
    names = stage_names(policy, stages)
    return {
        "card_arn": card_arn,
        "stages": [read_stage_state(ram, policy, card_arn, name).to_dict() for name in names],
    }
