"""Demo scenes 4-6: the consumer's view by ARN, prod after review, and a blocked gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mcgov.demo.local_run import DEFAULT_POLICY as POLICY
from mcgov.demo.states import steps_text
from mcgov.errors import BadInputError
from mcgov.steps.approval.service import approve_card
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.gate.service import decision_output
from mcgov.steps.gate.verify import verify_consumers
from mcgov.steps.handlers.check_gate import check
from mcgov.steps.policy import load_policy


def consumer_view(emu: Any, card_arn: str, out: Path) -> None:
    """Scene 4: the staging account reads the card by ARN; version and hash must match the gate's record."""
    _title("4. The staging account reads the card by ARN (consumer check)")
    staging = emu.session("staging")
    verified = verify_consumers(check(card_arn, "staging", 0), {emu.account_id("staging"): staging})
    decision = decision_output(verified)
    (out / "gate-staging.json").write_text(json.dumps(decision, indent=2) + "\n")
    seen = verified.consumer_checks[emu.account_id("staging")]
    print(
        f"   account {emu.account_id('staging')} reads {verified.card['name']} v{seen.get('version')} "
        f"sha256 {str(seen.get('content_sha256'))[:12]}...: consumer check {'passed' if seen['ok'] else 'FAILED'}"
    )
    for account, record in decision["principals"].items():
        print(f"   association {account}: {record['status']}")
    print(f"   decision record written to {out / 'gate-staging.json'}")
    prod = emu.session("prod").client("sagemaker")
    try:
        prod.update_model_card(ModelCardName=card_arn, ModelCardStatus="Approved")
        print("   prod could update the card: UNEXPECTED")
    except prod.exceptions.ClientError as exc:
        print(f"   prod cannot update it (read-only permission): {exc.response['Error']['Code']}")


REVIEWER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReviewAndApproveCards",
            "Effect": "Allow",
            "Action": [
                "sagemaker:DescribeModelCard",
                "sagemaker:UpdateModelCard",
                "sagemaker:ListTags",
                "sagemaker:AddTags",
            ],
            "Resource": "arn:aws:sagemaker:us-east-1:111111111111:model-card/*",
        },
        {
            "Sid": "ApproveTheEmbeddedCard",
            "Effect": "Allow",
            "Action": ["sagemaker:DescribeModelPackage", "sagemaker:UpdateModelPackage"],
            "Resource": "arn:aws:sagemaker:us-east-1:111111111111:model-package/*",
        },
    ],
}


def prod_after_review(emu: Any, workflow: Any, card_event: dict[str, Any], out: Path) -> None:
    """Scene 5: prod requires an Approved card; blocked until one of the policy's approvers approves the version
    they reviewed."""
    _title("5. Promote to prod: the policy requires an Approved card, approved by one of its approvers")
    blocked = workflow.execute({"card": {k: v for k, v in card_event.items() if k != "status"}, "stage": "prod"})
    print(f"   before review: execution {blocked['status']} ({blocked['error']}): {blocked['cause']}")
    policy = load_policy(str(POLICY))
    print(f"   approvers (share policy): {', '.join(policy.approvers)}")
    reviewer_arn = emu.create_role("CardReviewer", {"review-and-approve": REVIEWER_POLICY})
    reviewer = emu.session_for_role(reviewer_arn, "jane")
    card = reviewer.client("sagemaker").describe_model_card(ModelCardName=card_event["card_name"])
    version, sha = card["ModelCardVersion"], content_sha256(card["Content"])
    print(f"   the reviewer reads the card (`mcgov card render` prints): version {version}, sha256 {sha[:12]}...")
    try:
        approve_card(
            emu.session("card").client("sagemaker"),
            emu.session("card").client("sts"),
            policy,
            card_event["card_name"],
            version=version,
        )
    except BadInputError as exc:
        print(f"   the pipeline's own role tries to approve: refused ({_first_clause(exc)})")
    try:
        approve_card(
            reviewer.client("sagemaker"),
            reviewer.client("sts"),
            policy,
            card_event["card_name"],
            version=version,
            sha256="0" * 64,
        )
    except BadInputError as exc:
        print(f"   approving content other than the reviewed one: refused ({_first_clause(exc)})")
    command = f"mcgov card approve {card_event['card_name']} --policy {POLICY.name} --version {version}"
    print(f"   $ {command} --sha256 {sha[:12]}...")
    approval = approve_card(
        reviewer.client("sagemaker"),
        reviewer.client("sts"),
        policy,
        card_event["card_name"],
        version=version,
        sha256=sha,
        note="reviewed in the demo",
    )
    for write in approval.writes:
        print(f"   {write.line(policy.card_account)}")
    print(
        f"   approved: version {approval.record.version} (the status change after the reviewed version {version}) "
        f"by {approval.record.approver}"
    )
    allowed = workflow.execute({"card": {k: v for k, v in card_event.items() if k != "status"}, "stage": "prod"})
    print(f"   after review: execution {allowed['status']}: {allowed['output']['gate']['reason']}")
    (out / "gate-prod.json").write_text(json.dumps(allowed["output"], indent=2) + "\n")


def blocked_scenario(emu: Any, workflow: Any, card_event: dict[str, Any], out: Path) -> None:
    """Scene 6: the staging association FAILS; the workflow fails closed with the reason."""
    _title("6. A blocked gate: the staging account's association FAILS")
    emu.fail_association(
        principal=emu.account_id("staging"), message="The account is not in the organization's allowed list (SCP)"
    )
    event = {**card_event, "card_name": "churn-model-v2"}
    result = workflow.execute({"card": event, "stage": "staging"})
    print(f"   steps: {steps_text(result['states'])} ({len(result['states'])} states of the state machine)")
    print(f"   execution {result['status']} with {result['error']}")
    print(f"   reason: {result['cause']}")
    record = decision_output(check(event["card_name"], "staging", 0))
    (out / "gate-blocked.json").write_text(json.dumps(record, indent=2) + "\n")
    print(
        "   `mcgov gate check --stage staging` exits 1 on this card, stopping a deploy; "
        f"record in {out / 'gate-blocked.json'}"
    )
    emu.clear_failures()


def _first_clause(exc: BaseException) -> str:
    return str(exc).split("; ")[0].split(": review")[0]


def _title(text: str) -> None:
    print(f"\n== {text}")
