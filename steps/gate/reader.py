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
from mcgov.steps.share.naming import BATCH_PREFIX, TAG_POLICY_ID, Owner, is_batch_share, share_name
from mcgov.steps.share.ownership import ownership
from mcgov.steps.share.permissions import share_permissions
from mcgov.steps.share.plan import Candidate, best_share, live_entities, share_order
from mcgov.steps.share.quotas import SHARE_ARNS_PER_READ
from mcgov.steps.share.ram_rows import Association, AssociationType, ResourceShare, epoch


def read_stage_state(ram: Any, card_arn: str, stage: PolicyStage, policy_id: str) -> StageShareState:
    """Read every share that may grant ``card_arn`` for ``stage`` and keep the policy's one closest to the policy.

    Candidates are the per-card share (``mcgov-<card>-<stage>``) and the batched shares
    (``mcgov-batch-<stage>-...``, written by ``mcgov reconcile``) that hold the card as a resource: found with
    GetResourceShareAssociations(RESOURCE, resourceArn=card), then GetResourceShares on those ARNs. Only the
    shares of ``policy_id`` (and those made before ownership tags that grant exactly the stage's accounts:
    ``mcgov.steps.share.ownership``) count, and only live ones carrying the stage's permission as RAM lists it
    (ListResourceSharePermissions, read once per share and process: ``mcgov.steps.share.permissions``), not as
    the share's tag says; ``active`` is the one with the fewest problems (``best_share``), its PRINCIPAL rows and
    the card's RESOURCE rows are returned. Any other share of the policy (or made before ownership tags) holding
    the card that grants an account the stage does not name is ``drift_shares``. Another policy's shares are
    listed in ``other_policies``, not judged.
    """
    owner = Owner.of(policy_id, stage)
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
    foreign = {
        s.arn: s.tag(TAG_POLICY_ID) or "" for s in own + batched if s.tag(TAG_POLICY_ID) not in (None, policy_id)
    }
    mine = [s for s in own + batched if s.arn not in foreign]
    principal_rows = {s.arn: tuple(list_associations(ram, s.arn, AssociationType.PRINCIPAL)) for s in mine if s.live}
    kinds = {s.arn: ownership(s, owner, live_entities(principal_rows.get(s.arn, ()))) for s in mine}
    ours = sorted((s for s in mine if s.live and kinds[s.arn].ours), key=share_order)
    permissions = {s.arn: share_permissions(ram, s.arn) for s in ours}
    verified = [s for s in ours if permission in permissions[s.arn]]
    per_card = [s for s in verified if s.arn in known][:1]
    candidates: list[Candidate] = [
        (share, principal_rows[share.arn], tuple(r for r in card_rows if r.share_arn == share.arn))
        for share in per_card + [s for s in verified if s.arn not in known]
    ]
    chosen = best_share(candidates, stage.accounts, card_arn)
    holding = _shares_holding(card_rows)
    drift = {
        s.arn: tuple(sorted(set(live_entities(principal_rows[s.arn])) - set(stage.accounts)))
        for s in mine
        if s.live and s.arn in holding and (chosen is None or s.arn != chosen[0].arn)
    }
    return StageShareState(
        stage=name,
        share_name=share_name(card_arn, name),
        shares=tuple(mine),
        active=chosen[0] if chosen else None,
        principal_associations=tuple(chosen[1]) if chosen else (),
        resource_associations=tuple(chosen[2]) if chosen else (),
        permissions=permissions,
        policy_id=policy_id,
        accounts=tuple(stage.accounts),
        ownership={arn: kind.value for arn, kind in kinds.items()},
        drift_shares={arn: extra for arn, extra in drift.items() if extra},
        other_policies=foreign,
    )


def _shares_holding(card_rows: Sequence[Association]) -> set[str]:
    """ARNs of the shares whose latest RESOURCE row for the card is live (``card_rows``: the card's rows)."""
    latest: dict[str, Association] = {}
    for row in card_rows:
        if row.share_arn not in latest or epoch(row.last_updated_time) >= epoch(
            latest[row.share_arn].last_updated_time
        ):
            latest[row.share_arn] = row
    return {arn for arn, row in latest.items() if row.live}


def share_status(ram: Any, card_arn: str, stages: Sequence[PolicyStage], policy_id: str) -> dict[str, Any]:
    """Shares and associations of every stage of ``stages`` for policy ``policy_id``, as plain data (RAM's field
    names), with each share's ownership and the drift the gate blocks on."""
    return {
        "card_arn": card_arn,
        "policy_id": policy_id,
        "stages": [read_stage_state(ram, card_arn, stage, policy_id).to_dict() for stage in stages],
    }


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
