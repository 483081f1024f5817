"""The gate for a model package: the card's gate, plus the package group's share for stages that need it.

The outcome is recorded on the package (``ModelLifeCycle``) by ``mcgov.steps.registry.lifecycle.gate_package``.

For a stage with ``model_package_group: true`` the group share (``mcgov-<card>-<stage>-mpg``, see
``mcgov.steps.share.groups``) must be live and have every stage account and the group ASSOCIATED: a prod account
that can read the card but not the package cannot carry out the promotion the gate allows. ``PENDING``
invitations and ``ASSOCIATING`` rows are waited for like the card's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mcgov.errors import BadInputError
from mcgov.share_policies.models import PolicyStage, SharePolicy
from mcgov.steps.common.aws import aws_errors
from mcgov.steps.gate.decision import Decision, association_problem
from mcgov.steps.gate.exceptions import ConsumerAccessError
from mcgov.steps.gate.poller import Clock, Progress, Sleep, check_once, run_gate
from mcgov.steps.gate.verify import assumed_session
from mcgov.steps.share.client import get_shares, list_associations
from mcgov.steps.share.groups import group_arn_of_package
from mcgov.steps.share.naming import TAG_CARD_ARN, TAG_POLICY_ID, group_share_name, is_group_share
from mcgov.steps.share.plan import latest_by_entity
from mcgov.steps.share.ram_rows import Association, AssociationType


@dataclass(frozen=True)
class GroupShareState:
    """The stage's model package group share and its association rows."""

    share_arn: str | None
    principals: tuple[Association, ...]
    resources: tuple[Association, ...]


def read_group_state(ram: Any, card_arn: str, stage: str, policy_id: str) -> GroupShareState:
    """The live group share of (card, stage) of policy ``policy_id`` (else one made before ownership tags; another
    policy's never) and its rows: GetResourceShares, then two association reads."""
    found = get_shares(
        ram,
        resourceOwner="SELF",
        name=group_share_name(card_arn, stage),
        tagFilters=[{"tagKey": TAG_CARD_ARN, "tagValues": [card_arn]}],
    )
    live = sorted(
        (
            s
            for s in found
            if s.live and is_group_share(s, card_arn, stage) and s.tag(TAG_POLICY_ID) in (None, policy_id)
        ),
        key=lambda s: (s.tag(TAG_POLICY_ID) is None, s.arn),
    )
    if not live:
        return GroupShareState(None, (), ())
    arn = live[0].arn
    return GroupShareState(
        arn,
        tuple(list_associations(ram, arn, AssociationType.PRINCIPAL)),
        tuple(list_associations(ram, arn, AssociationType.RESOURCE)),
    )


def group_problems(
    policy: SharePolicy, stage: PolicyStage, group_arn: str, state: GroupShareState, now: datetime
) -> tuple[list[str], list[str]]:
    """(terminal, waiting) reasons keeping the group share from granting the stage's accounts (pure)."""
    if state.share_arn is None:
        return [
            f"No RAM share of model package group {group_arn} exists for stage {stage.name}; run "
            "`mcgov share ensure --model-package ...` first."
        ], []
    terminal: list[str] = []
    waiting: list[str] = []
    window = policy.gate.invitation_window_seconds
    principals = latest_by_entity(state.principals)
    rows = [(f"Account {a}", principals.get(a), policy.allow_external_principals) for a in stage.accounts]
    rows.append((f"Model package group {group_arn}", latest_by_entity(state.resources).get(group_arn), True))
    for what, row, allow_external in rows:  # the card share's rules (decision.association_problem), one fix command
        problem, transient = association_problem(
            what, row, state.share_arn, now, window, allow_external, ensure="mcgov share ensure --model-package ..."
        )
        if problem:
            (waiting if transient else terminal).append(problem)
    extra = [p for p, row in principals.items() if p not in stage.accounts and row.live]
    if extra:
        terminal.append(
            f"Share {state.share_arn} also grants {', '.join(extra)}, which the policy does not name "
            f"for stage {stage.name}; run `mcgov share ensure --prune`."
        )
    return terminal, waiting


def add_problems(decision: Decision, terminal: list[str], waiting: list[str]) -> Decision:
    """Merge more reasons into ``decision``: blocked when any, pending only while every blocker can wait."""
    if not terminal and not waiting:
        return decision
    was_waiting_only = decision.allowed or decision.pending
    decision.reasons = [*decision.reasons, *terminal, *waiting]
    decision.allowed = False
    decision.pending = was_waiting_only and not terminal
    return decision


def check_package_once(
    ram: Any,
    sagemaker: Any,
    policy: SharePolicy,
    stage: PolicyStage,
    card_arn: str,
    package_arn: str,
    now: datetime,
    kms: Any = None,
) -> Decision:
    """``check_once`` of the card, then the group share for a ``model_package_group`` stage (fail closed). That the
    package belongs to the card and the stage's group is ``mcgov.steps.registry.binding``'s check."""
    decision = check_once(ram, sagemaker, policy, stage, card_arn, now, kms)
    if not stage.model_package_group:
        return decision
    try:
        group_arn = group_arn_of_package(package_arn)
        terminal, waiting = group_problems(
            policy, stage, group_arn, read_group_state(ram, card_arn, stage.name, policy.policy_id), now
        )
    except Exception as exc:  # noqa: BLE001 - fail closed on anything, as check_once does
        terminal, waiting = (
            [
                f"Model package group check failed ({type(exc).__name__}: {' '.join(str(exc).split())}); "
                "fix the cause and re-run."
            ],
            [],
        )
    return add_problems(decision, terminal, waiting)


def run_package_gate(
    ram: Any,
    sagemaker: Any,
    policy: SharePolicy,
    stage: PolicyStage,
    card_arn: str,
    package_arn: str,
    *,
    timeout: float | None = None,
    sleep: Sleep | None = None,
    clock: Clock | None = None,
    progress: Progress | None = None,
    kms: Any = None,
) -> Decision:
    """``run_gate`` with ``check_package_once``: poll until allowed, blocked, or the timeout."""
    return run_gate(
        ram,
        sagemaker,
        policy,
        stage,
        card_arn,
        timeout=timeout,
        sleep=sleep,
        clock=clock,
        progress=progress,
        check=lambda now: check_package_once(ram, sagemaker, policy, stage, card_arn, package_arn, now, kms),
    )


def verify_package_consumers(
    decision: Decision,
    package_arn: str,
    sessions_or_role_arns: Mapping[str, Any],
    *,
    base_session: Any = None,
    region: str | None = None,
    session_factory: Callable[..., Any] | None = None,
) -> Decision:
    """Each stage account describes the package by ARN (what a deploy from the central registry does)."""
    if not decision.allowed:
        return decision
    target_region = region or package_arn.split(":")[3]
    for account in [a for a, p in decision.principals.items() if p.get("in_policy", True)]:
        target = sessions_or_role_arns.get(account)
        if target is None:
            raise BadInputError(f"no session or role given for account {account}; pass one for every stage account")
        check = decision.consumer_checks.setdefault(account, {})
        try:
            if isinstance(target, str):
                if base_session is None:
                    raise BadInputError("a role ARN was given without base_session to assume it from")
                session = assumed_session(base_session, target, session_factory or type(base_session), target_region)
            else:
                session = target
            with aws_errors("sagemaker", "describe_model_package", ConsumerAccessError):
                seen = session.client("sagemaker", region_name=target_region).describe_model_package(
                    ModelPackageName=package_arn
                )
        except ConsumerAccessError as exc:
            check.update({"ok": False, "model_package_error": exc.detail})
            decision.reasons.append(
                f"Account {account} cannot describe model package {package_arn} ({exc.detail}); "
                "share its model package group (`model_package_group: true`) and check the role."
            )
            continue
        check["model_package_arn"] = seen.get("ModelPackageArn")
    decision.allowed = not decision.reasons
    return decision
