"""The gate's readers (adapters): RAM state of one (card, stage), and the hub copy of a card.

``read_stage_state`` builds a ``StageShareState`` through the share client; it is the only RAM reader of the gate,
and ``share_status`` prints the same view for ``mcgov share status``, so what an operator sees is what the gate
checks. ``read_hub_copy`` reads the hub's copy for stages with ``hub_copy_current``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mcgov.errors import GovernanceError
from mcgov.share_policies.models import PolicyStage, SharePolicy
from mcgov.steps.card.exceptions import CardNotFoundError
from mcgov.steps.card.store import CardStore
from mcgov.steps.gate.hub_copy import HubCopyState, copy_arn
from mcgov.steps.gate.state import StageShareState
from mcgov.steps.hub.provenance import read_provenance
from mcgov.steps.share.client import get_associations, get_shares, list_associations, list_stage_shares
from mcgov.steps.share.naming import BATCH_PREFIX, is_batch_share, share_name
from mcgov.steps.share.permissions import share_permissions
from mcgov.steps.share.plan import Candidate, best_share, share_order
from mcgov.steps.share.quotas import SHARE_ARNS_PER_READ
from mcgov.steps.share.ram_rows import AssociationType, ResourceShare


def read_stage_state(ram: Any, card_arn: str, stage: PolicyStage) -> StageShareState:
    """Read every share that may grant ``card_arn`` for ``stage`` and keep the one closest to the policy.

    Candidates are the per-card share (``mcgov-<card>-<stage>``) and the batched shares
    (``mcgov-batch-<stage>-...``, written by ``mcgov reconcile``) that hold the card as a resource: found with
    GetResourceShareAssociations(RESOURCE, resourceArn=card), then GetResourceShares on those ARNs. Only live
    candidates carrying the stage's permission count, as RAM lists it (ListResourceSharePermissions, read once
    per share and process: ``mcgov.steps.share.permissions``), not as the share's tag says; ``active`` is the
    one with the fewest problems (``best_share``), its PRINCIPAL rows and the card's RESOURCE rows are returned.
    """
    name, permission = stage.name, stage.permission
    own = list_stage_shares(ram, card_arn, name)
    card_rows = get_associations(ram, AssociationType.RESOURCE, resourceArn=card_arn)
    known = {s.arn for s in own}
    batch_prefix = f"{BATCH_PREFIX}{name}-"
    others = sorted({r.share_arn for r in card_rows if (r.share_name or batch_prefix).startswith(batch_prefix)} - known)
    batched: list[ResourceShare] = []
    for start in range(0, len(others), SHARE_ARNS_PER_READ):
        found = get_shares(ram, resourceOwner="SELF", resourceShareArns=others[start : start + SHARE_ARNS_PER_READ])
        batched.extend(s for s in found if is_batch_share(s, name))
    live_own = sorted((s for s in own if s.live), key=share_order)
    live_batched = [s for s in batched if s.live]
    permissions = {s.arn: share_permissions(ram, s.arn) for s in live_own + live_batched}
    verified_own = [s for s in live_own if permission in permissions[s.arn]]
    per_card = verified_own[0] if verified_own else None
    candidates: list[Candidate] = []
    for share in ([per_card] if per_card else []) + [s for s in live_batched if permission in permissions[s.arn]]:
        rows = tuple(r for r in card_rows if r.share_arn == share.arn)
        candidates.append((share, tuple(list_associations(ram, share.arn, AssociationType.PRINCIPAL)), rows))
    chosen = best_share(candidates, stage.accounts, card_arn)
    return StageShareState(
        stage=name,
        share_name=share_name(card_arn, name),
        shares=tuple(own + batched),
        active=chosen[0] if chosen else None,
        principal_associations=tuple(chosen[1]) if chosen else (),
        resource_associations=tuple(chosen[2]) if chosen else (),
        permissions=permissions,
    )


def share_status(ram: Any, card_arn: str, stages: Sequence[PolicyStage]) -> dict:
    """Shares and associations of every stage of ``stages``, as plain data (RAM's field names)."""
    return {"card_arn": card_arn, "stages": [read_stage_state(ram, card_arn, stage).to_dict() for stage in stages]}


def read_hub_copy(sagemaker: Any, policy: SharePolicy, card_arn: str) -> HubCopyState:
    """Describe the hub copy by ARN; a missing copy and a failed read are states, not exceptions."""
    arn = copy_arn(policy, card_arn)
    try:
        card = CardStore(sagemaker).describe(arn)
    except CardNotFoundError:
        return HubCopyState(arn=arn, found=False)
    except GovernanceError as exc:
        return HubCopyState(arn=arn, found=False, error=" ".join(str(exc).split()))
    try:
        content = json.loads(card.get("Content") or "{}")
    except json.JSONDecodeError:
        content = {}
    return HubCopyState(arn=arn, found=True, provenance=read_provenance(content if isinstance(content, dict) else {}))
