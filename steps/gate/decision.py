"""The gate's pure core: a decision from a policy stage, a DescribeModelCard response and RAM state.

Blocked (fail closed) when: the share is missing/DELETED or carries another permission (as
ListResourceSharePermissions reports it, not its tag); an account or the card is FAILED,
DISASSOCIATING/DISASSOCIATED, SUSPENDED/SUSPENDING or not associated, or still RESTORING; an invitation is PENDING
beyond the policy's window (measured from the association's creationTime); an association is external while the
policy forbids external principals; a share of the policy (or made before ownership tags) holding the card names
principals the policy does not (another policy's shares are not judged); the card status is below the stage's
requirement or Archived; a stage that requires Approved gets a card whose approval record (``mcgov card approve``)
does not name its current version and content, names an approver the policy does not list, or (with
``approval_signing_key_arn``) carries no signature kms:Verify accepts. ``pending`` is true when the only blockers
can resolve by waiting.

Blocked too when the card's content scores below the stage's ``require_assessment`` or lacks a field that
``required_fields_by_risk_rating`` makes mandatory for its risk rating (``content_rules``, on the same response).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mcgov.share_policies.models import CARD_STATUS_ORDER, PolicyStage, SharePolicy, status_meets
from mcgov.steps.approval.check import approval_problem
from mcgov.steps.approval.tags import ApprovalRecord
from mcgov.steps.common.jsonutil import content_sha256, json_safe
from mcgov.steps.gate.content_rules import content_problems
from mcgov.steps.gate.hub_copy import HubCopyState, hub_copy_problem
from mcgov.steps.gate.state import StageShareState
from mcgov.steps.share.plan import latest_by_entity, select_share
from mcgov.steps.share.ram_rows import Association, AssociationStatus, ShareStatus

SCHEMA_VERSION = 1
_IN_PROGRESS = frozenset(s.value for s in AssociationStatus if s.transient)


@dataclass
class Decision:
    """Gate decision record; ``to_dict`` is the JSON printed by ``mcgov gate check``."""

    allowed: bool
    stage: str
    reasons: list[str]
    card: dict[str, Any]
    shares: list[str]
    principals: dict[str, dict[str, Any]]
    resource: dict[str, Any]
    checked_at: str
    pending: bool = False
    consumer_checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    approval: dict[str, Any] | None = None

    def waiting_since(self) -> datetime | None:
        """When the oldest association the gate still waits for (ASSOCIATING, RESTORING) was created: the anchor
        of the poll schedule (``mcgov.steps.gate.schedule``); None when none is in progress or RAM gave no time."""
        records = [*self.principals.values(), self.resource]
        times = [
            r["created"] for r in records if r.get("status") in _IN_PROGRESS and isinstance(r.get("created"), datetime)
        ]
        return min(times, default=None)

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = json_safe(
            {
                "schema_version": SCHEMA_VERSION,
                "allowed": self.allowed,
                "stage": self.stage,
                "reasons": self.reasons,
                "card": self.card,
                "shares": self.shares,
                "principals": self.principals,
                "resource": self.resource,
                "checked_at": self.checked_at,
                "pending": self.pending,
                "consumer_checks": self.consumer_checks,
                "approval": self.approval,
            }
        )
        return record


def combined(decisions: list[Decision]) -> dict[str, Any]:
    """The record of a gate over several stages: allowed only when every stage is, each stage listed."""
    record: dict[str, Any] = json_safe(
        {
            "schema_version": SCHEMA_VERSION,
            "allowed": bool(decisions) and all(d.allowed for d in decisions),
            "stages": {d.stage: d.to_dict() for d in decisions},
            "reasons": [f"{d.stage}: {reason}" for d in decisions for reason in d.reasons],
            "checked_at": max((d.checked_at for d in decisions), default=None),
        }
    )
    return record


def card_summary(card: dict[str, Any]) -> dict[str, Any]:
    """arn, version, status and content_sha256 of a DescribeModelCard response."""
    content = card.get("Content")
    return {
        "arn": card.get("ModelCardArn"),
        "name": card.get("ModelCardName"),
        "version": card.get("ModelCardVersion"),
        "status": card.get("ModelCardStatus"),
        "content_sha256": content_sha256(content) if isinstance(content, str) else None,
    }


def blocked(stage: str, reason: str, now: datetime, *, card: dict[str, Any] | None = None) -> Decision:
    """A blocked decision carrying a single reason (used to fail closed on errors)."""
    return Decision(
        allowed=False,
        stage=stage,
        reasons=[reason],
        card=card or {},
        shares=[],
        principals={},
        resource={},
        checked_at=_iso(now),
    )


def evaluate(
    policy: SharePolicy,
    stage: PolicyStage,
    card: dict[str, Any],
    share_state: StageShareState,
    now: datetime,
    approval: ApprovalRecord | None = None,
    hub_copy: HubCopyState | None = None,
    signature_problem: str | None = None,
) -> Decision:
    """Decide whether ``card`` may be promoted to ``stage``; never raises for RAM/card content.

    ``approval`` is the card's approval record, read for stages that require Approved; its approver must be one of
    the policy's ``approvers``; ``signature_problem`` is what the check of its signature found when the policy
    requires signed approvals (``mcgov.steps.approval.signing.signature_problem``).
    """
    stage_name = stage.name
    summary = card_summary(card)
    terminal: list[str] = []
    waiting: list[str] = []
    card_arn = summary["arn"] or ""

    status = summary["status"]
    required = stage.required_card_status
    if status == "Archived":
        terminal.append(f"Card {card_arn} is Archived; archived cards never pass the gate, create a new card.")
    elif status not in CARD_STATUS_ORDER:
        terminal.append(f"Card {card_arn} has unknown status {status!r}; set it to {required} or above.")
    elif not status_meets(status, required):
        card_name = summary["name"] or card_arn
        fix = (
            f"review the card, then approve the version you read with `mcgov card approve {card_name} --policy ... "
            f"--version {summary['version']}`"
            if required == "Approved"
            else f"submit it with `mcgov card publish --name {card_name} --status {required}` (or the populate step)"
        )
        terminal.append(f"Card status {status} is below {required} required for stage {stage_name}; {fix}.")
    elif required == "Approved":
        problem = approval_problem(
            str(summary["name"] or card_arn),
            status,
            summary["version"],
            summary["content_sha256"],
            approval,
            policy.approver_patterns,
            signature_problem,
        )
        if problem:
            terminal.append(f"Stage {stage_name} requires a reviewed approval: {problem}.")
    if summary["content_sha256"] is None:
        terminal.append(f"Card {card_arn} has no Content string; describe the card and fix its content.")
    terminal.extend(content_problems(policy, stage, card))
    if stage.hub_copy_current:
        problem = hub_copy_problem(stage_name, summary, hub_copy)
        if problem:
            terminal.append(problem)

    permission = stage.permission
    share = share_state.active
    principals: dict[str, dict[str, Any]] = {}
    resource: dict[str, Any] = {"arn": card_arn, "status": "MISSING", "status_message": None, "last_updated": None}
    if share is None:
        terminal.append(_missing_share_reason(share_state, permission, stage_name))
        for account in stage.accounts:
            principals[account] = {"status": "MISSING", "status_message": None, "last_updated": None}
    else:
        share_arn = share.arn
        by_principal = latest_by_entity(share_state.principal_associations)
        window = policy.gate.invitation_window_seconds
        for account in stage.accounts:
            association = by_principal.get(account)
            principals[account] = _record(association)
            problem, transient = association_problem(
                f"Account {account}", association, share_arn, now, window, policy.allow_external_principals
            )
            if problem:
                (waiting if transient else terminal).append(problem)
        for extra, association in by_principal.items():
            if extra not in stage.accounts and association.live:
                principals[extra] = {**_record(association), "in_policy": False}
                terminal.append(
                    f"Share {share_arn} also grants {extra}, which the policy does not name for stage {stage_name}; "
                    "run `mcgov share ensure --prune` (or `mcgov reconcile --prune`) to remove it."
                )
        by_resource = latest_by_entity(share_state.resource_associations)
        association = by_resource.get(card_arn)
        resource = {"arn": card_arn, **_record(association)}
        problem, transient = association_problem(f"Card {card_arn}", association, share_arn, now, window, True)
        if problem:
            (waiting if transient else terminal).append(problem)
    for other_arn, others in sorted(share_state.drift_shares.items()):
        old = " (made before ownership tags)" if share_state.ownership.get(other_arn) == "legacy" else ""
        terminal.append(
            f"Share {other_arn}{old} also grants the card to {', '.join(others)}, which the policy does not name "
            f"for stage {stage_name}; run `mcgov share ensure --prune` (or `mcgov reconcile --prune`) to remove it."
        )

    reasons = terminal + waiting
    return Decision(
        allowed=not reasons,
        stage=stage_name,
        reasons=reasons,
        card=summary,
        shares=[s.arn for s in share_state.shares if s.live],
        principals=principals,
        resource=resource,
        checked_at=_iso(now),
        pending=bool(waiting) and not terminal,
        approval=approval.to_dict() if approval is not None and required == "Approved" else None,
    )


def _missing_share_reason(state: StageShareState, permission: str, stage: str) -> str:
    verified = state.other_permission(permission)
    if verified:
        found = "; ".join(
            f"{s.name} carries {', '.join(state.permissions[s.arn]) or 'no permission'}" for s in verified
        )
        return (
            f"No share for stage {stage} carries RAM permission {permission} (ListResourceSharePermissions: {found}); "
            "a replaced permission leaves the share's tags unchanged: delete the share (`mcgov share delete`) and run "
            f"`mcgov share ensure`, or associate {permission} with it again (AssociateResourceSharePermission, "
            "replace)."
        )
    selection = select_share(state.shares, permission)
    if selection.stale_permission:
        return (
            f"Share {', '.join(s.name for s in selection.stale_permission)} carries another RAM permission "
            f"than {permission}; run `mcgov share ensure --prune` (or `mcgov reconcile`) to replace it."
        )
    deleted = [s.arn for s in state.shares if s.status in (ShareStatus.DELETED, ShareStatus.DELETING)]
    if deleted:
        return f"Share {', '.join(deleted)} for stage {stage} was deleted; run `mcgov share ensure` to recreate it."
    return (
        f"No RAM share {state.share_name} and no batched share holding the card exists for stage {stage}; "
        "run `mcgov share ensure` (or `mcgov reconcile`) first."
    )


def association_problem(
    what: str,
    association: Association | None,
    share_arn: str,
    now: datetime,
    window: float,
    allow_external: bool,
    ensure: str = "mcgov share ensure",
) -> tuple[str | None, bool]:
    """(reason, transient) for one expected association; (None, False) when it is fine. ``ensure`` is the command
    the reasons name to repair it (the package gate names ``mcgov share ensure --model-package ...``)."""
    if association is None:
        return f"{what} is not associated with share {share_arn}; run `{ensure}`.", False
    status = association.status
    message = association.status_message or "no status message"
    if association.external and not allow_external:
        return (
            f"{what} is an external principal but the policy sets allow_external_principals: false; "
            "move the account into the organization or allow external principals in the policy.",
            False,
        )
    if status is AssociationStatus.ASSOCIATED:
        return None, False
    if status is AssociationStatus.FAILED:
        return f"{what} association FAILED ({message}); fix the cause and run `{ensure}`.", False
    if status in (AssociationStatus.DISASSOCIATING, AssociationStatus.DISASSOCIATED):
        return f"{what} is {status.value} from share {share_arn}; run `{ensure}` to re-associate it.", False
    if status in _SUSPENSION_REASONS:
        return (
            f"{what} is {status.value} in share {share_arn} ({message}): {_SUSPENSION_REASONS[status]}",
            status.transient,
        )
    created = association.creation_time
    if association.external and created is not None and (now - created).total_seconds() > window:
        return (
            f"{what} has not accepted the RAM invitation within {int(window)}s (sent {created.isoformat()}); "
            f"ask the account to accept it, or run `{ensure} --prune` after disassociating to re-invite.",
            False,
        )
    if association.external:
        return f"{what} has a PENDING RAM invitation; the account must accept it.", True
    return f"{what} is still ASSOCIATING; wait and re-check.", True


_SUSPENSION_REASONS = {
    AssociationStatus.SUSPENDED: (
        "RAM suspended this association, so the account has no access (the account left the organization, or "
        "sharing with it was suspended); bring the account back into the organization or re-enable sharing, "
        "wait for RAM to restore the association, then re-run the gate."
    ),
    AssociationStatus.SUSPENDING: (
        "RAM is suspending this association (the account is leaving the organization, or sharing with it is being "
        "suspended); it will not grant access: fix the account's organization membership or sharing, then re-run "
        "the gate."
    ),
    AssociationStatus.RESTORING: ("RAM is restoring this association after a suspension; wait and re-check."),
}


def _record(association: Association | None) -> dict[str, Any]:
    if association is None:
        return {"status": "MISSING", "status_message": None, "last_updated": None}
    return {
        "status": association.status.value,
        "status_message": association.status_message,
        "last_updated": association.last_updated_time,
        "created": association.creation_time,
        "external": association.external,
    }


def _iso(now: datetime) -> str:
    return (now if now.tzinfo else now.replace(tzinfo=UTC)).isoformat()
