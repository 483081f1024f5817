"""Demo scenes 4-6: the consumer's view by ARN, prod after review (with the decision events it put), and a blocked
gate."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from mcgov.demo.local_run import DEFAULT_POLICY as POLICY
from mcgov.demo.scene import title
from mcgov.demo.states import steps_text
from mcgov.errors import BadInputError
from mcgov.steps.approval.service import approve_card
from mcgov.steps.cli.approve import approval_event
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.gate.service import decision_output
from mcgov.steps.gate.verify import verify_consumers
from mcgov.steps.handlers.check_gate import check
from mcgov.steps.notify.bus import put_events
from mcgov.steps.notify.entries import DETAIL_TYPES, SOURCE
from mcgov.steps.policy import load_policy

BUS_NAME = "governance"
DECISIONS_QUEUE = "mcgov-decisions"


def consumer_view(emu: Any, card_arn: str, out: Path) -> None:
    """Scene 4: the staging account reads the card by ARN; version and hash must match the gate's record."""
    title("4. The staging account reads the card by ARN (consumer check)")
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
        {
            "Sid": "AnnounceApprovals",
            "Effect": "Allow",
            "Action": ["events:PutEvents"],
            "Resource": f"arn:aws:events:us-east-1:111111111111:event-bus/{BUS_NAME}",
        },
    ],
}


def notifications(emu: Any, policy: Path) -> str:
    """Scene 2's notifications: the event bus the policy names (``notifications.event_bus_arn``) and a platform
    team's rule on it (source ``mcgov``) forwarding every decision event to an SQS queue; returns the bus ARN (the
    stack's ``NotificationBusArn``)."""
    card = emu.session("card")
    events, sqs = card.client("events"), card.client("sqs")
    bus = events.create_event_bus(Name=BUS_NAME)["EventBusArn"]
    queue = sqs.create_queue(QueueName=DECISIONS_QUEUE)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {"source": [SOURCE], "detail-type": list(DETAIL_TYPES)}
    events.put_rule(Name="mcgov-decisions", EventBusName=BUS_NAME, EventPattern=json.dumps(pattern))
    events.put_targets(Rule="mcgov-decisions", EventBusName=BUS_NAME, Targets=[{"Id": "queue", "Arn": queue_arn}])
    policy.write_text(policy.read_text() + f"notifications:\n  event_bus_arn: {bus}\n")
    print(f"   notifications (the policy's notifications.event_bus_arn): {bus}")
    print(f"   a platform team's rule on it (source {SOURCE}) forwards the decision events to SQS {DECISIONS_QUEUE}")
    return str(bus)


def show_events(emu: Any) -> None:
    """The decision events the platform team's queue received so far, one line each."""
    sqs = emu.session("card").client("sqs")
    queue = sqs.get_queue_url(QueueName=DECISIONS_QUEUE)["QueueUrl"]
    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    print(f"   events the platform team's queue received ({DECISIONS_QUEUE}):")
    for message in received:
        event = json.loads(message["Body"])
        detail = event["detail"]
        if event["detail-type"] == "Card Approved":
            what = f"{detail['card_name']} v{detail['version']} by {detail['approver']}"
        else:
            what = f"{detail['stage']}: {detail['status']} ({detail['card']['name']} v{detail['card']['version']})"
        print(f"     {event['detail-type']:14} {what}")
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])


def prod_after_review(emu: Any, workflow: Any, card_event: dict[str, Any], out: Path) -> None:
    """Scene 5: prod requires an Approved card; blocked until one of the policy's approvers approves the version
    they reviewed."""
    title("5. Promote to prod: the policy requires an Approved card, approved by one of its approvers")
    blocked = workflow.execute({"card": {k: v for k, v in card_event.items() if k != "status"}, "stage": "prod"})
    print(f"   before review: execution {blocked['status']} ({blocked['error']}): {blocked['cause']}")
    policy = load_policy(os.environ["MCGOV_POLICY_URI"])  # the deployed policy: the demo's, with notifications
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
    event = approval_event(policy, approval)  # what `mcgov card approve` puts on the policy's bus
    if event is not None:
        put_events(reviewer.client("events"), [event])
    for write in approval.writes:
        print(f"   {write.line(policy.card_account)}")
    print(
        f"   approved: version {approval.record.version} (the status change after the reviewed version {version}) "
        f"by {approval.record.approver}"
    )
    allowed = workflow.execute({"card": {k: v for k, v in card_event.items() if k != "status"}, "stage": "prod"})
    print(f"   after review: execution {allowed['status']}: {allowed['output']['gate']['reason']}")
    (out / "gate-prod.json").write_text(json.dumps(allowed["output"], indent=2) + "\n")
    show_events(emu)


def blocked_scenario(emu: Any, workflow: Any, card_event: dict[str, Any], out: Path) -> None:
    """Scene 6: the staging association FAILS; the workflow fails closed with the reason."""
    title("6. A blocked gate: the staging account's association FAILS")
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
