"""Opt-in suite against a real AWS account: ``pytest -m live`` (deselected by default; docs/live.md).

Needs credentials for the card account (the default ones, or ``MCGOV_LIVE_PROFILE``) and:
  MCGOV_LIVE_POLICY   path to a share policy whose card_account/region are the account you are in
  MCGOV_LIVE_STAGE    a stage of that policy to share with and gate on (default: staging)
  MCGOV_LIVE_APPROVER_PROFILE  for a stage requiring an Approved card: a profile whose credentials are a session of
                      one of the policy's ``approvers``
Optional: MCGOV_LIVE_REGION (default: the policy's), MCGOV_LIVE_VERIFY_ROLE (role name to assume in the stage
accounts for the consumer check).

The card is published PendingReview, as a pipeline publishes it (Approved is a reviewer's decision, which
publishing refuses). When the stage requires an Approved card, the test approves the published version as a
reviewer does (``mcgov card approve``: the status and the approval record, signed when the policy names
``approval_signing_key_arn``), with the approver's credentials. Every test deletes the card and shares it created
(named mcgov-live-<random>). ``tests/test_live_suite.py`` runs these tests on the emulator, so they are known to
pass as documented.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from mcgov.share_policies.models import SharePolicy
from mcgov.steps.approval.service import approve_card
from mcgov.steps.card.service import publish_content
from mcgov.steps.card.store import CardStore
from mcgov.steps.gate.poller import run_gate
from mcgov.steps.gate.verify import role_arn, verify_consumers
from mcgov.steps.policy import load_policy
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import delete_share, ensure_share

pytestmark = pytest.mark.live
PUBLISHED_STATUS = "PendingReview"


def live_session(policy: SharePolicy) -> boto3.Session:
    """The card account's session: ``MCGOV_LIVE_PROFILE`` when set, in ``MCGOV_LIVE_REGION`` or the policy's region."""
    return boto3.Session(
        profile_name=os.environ.get("MCGOV_LIVE_PROFILE") or None,
        region_name=os.environ.get("MCGOV_LIVE_REGION") or policy.region,
    )


@pytest.fixture
def live() -> Iterator[tuple[SharePolicy, Any, str]]:
    path = os.environ.get("MCGOV_LIVE_POLICY")
    if not path:
        pytest.skip("set MCGOV_LIVE_POLICY (and AWS credentials for the card account) to run the live suite")
    policy = load_policy(path)
    session = live_session(policy)
    account = session.client("sts").get_caller_identity()["Account"]
    if account != policy.card_account:
        pytest.skip(f"credentials are for {account}, the policy's card account is {policy.card_account}")
    name = f"mcgov-live-{uuid.uuid4().hex[:8]}"
    sm = session.client("sagemaker")
    yield policy, session, name
    arn = policy.card_arn(name)
    delete_share(ram_client(session, policy.region), policy, arn)
    if CardStore(sm).find(name):
        CardStore(sm).delete(name)


def test_publish_is_idempotent_on_the_real_service(live: tuple[SharePolicy, Any, str]) -> None:
    policy, session, name = live
    sm = session.client("sagemaker")
    content = {"model_overview": {"model_description": "mcgov live test"}}
    first = publish_content(name, content, sagemaker=sm)
    again = publish_content(name, content, sagemaker=sm)
    assert first.result == "created" and again.result == "unchanged" and again.version == first.version
    status = publish_content(name, content, sagemaker=sm, status=PUBLISHED_STATUS)
    card = CardStore(sm).describe(name)
    assert status.result == "updated" and json.loads(card["Content"]) == content


def approver_session(policy: SharePolicy) -> boto3.Session:
    """The reviewer's session (``MCGOV_LIVE_APPROVER_PROFILE``): one of the policy's approvers."""
    profile = os.environ.get("MCGOV_LIVE_APPROVER_PROFILE")
    if not profile:
        pytest.skip("the stage requires an Approved card: set MCGOV_LIVE_APPROVER_PROFILE to an approver's profile")
    return boto3.Session(profile_name=profile, region_name=os.environ.get("MCGOV_LIVE_REGION") or policy.region)


def test_share_and_gate_on_the_real_service(live: tuple[SharePolicy, Any, str]) -> None:
    policy, session, name = live
    stage = policy.stage(os.environ.get("MCGOV_LIVE_STAGE", "staging"), source="MCGOV_LIVE_STAGE")
    reviewer = approver_session(policy) if stage.required_card_status == "Approved" else None
    sm = session.client("sagemaker")
    content = {"model_overview": {"model_description": "mcgov live test"}}
    assert publish_content(name, content, sagemaker=sm, status=PUBLISHED_STATUS).result == "created"
    arn = policy.card_arn(name)
    signed = policy.approval_signing_key_arn is not None
    if reviewer is not None:
        read = reviewer.client("sagemaker")
        approve_card(
            read,
            reviewer.client("sts"),
            policy,
            arn,
            version=read.describe_model_card(ModelCardName=arn)["ModelCardVersion"],
            note="mcgov live suite",
            kms=reviewer.client("kms") if signed else None,
        )
    ram = ram_client(session, policy.region)
    ensure_share(ram, policy, arn, stages=[stage])
    kms = session.client("kms") if signed else None
    decision = run_gate(ram, sm, policy, stage, arn, timeout=policy.gate.timeout_seconds, kms=kms)
    assert decision.allowed, decision.reasons
    verify_role = os.environ.get("MCGOV_LIVE_VERIFY_ROLE")
    if verify_role:
        targets = {account: role_arn(account, verify_role) for account in stage.accounts}
        assert verify_consumers(decision, targets, base_session=session, region=policy.region).allowed
