"""The demo: the whole governance job, run through the Step Functions workflow on the embedded emulator.

1. A finished churn pipeline: training job and evaluation report (and the card template) in S3.
2. The governance stack, deployed from ``steps/stack/governance.yaml``: its roles, the Lambdas (this project's
   handlers in-process, each under its own role) and the state machine (under its role), plus the prod stage's
   read-only RAM permission.
3. An execution for staging: populate the card -> share it -> gate loop until ASSOCIATED -> allowed.
   A second execution with the same inputs creates no new card version.
4. The card as the staging account sees it, by ARN; the consumer check of version and content hash.
5. Prod needs an Approved card: blocked until a reviewer approves, then allowed (read-only permission); the
   decision events (gate decisions, the approval) a platform team's queue received from the policy's event bus.
6. A blocked gate: the staging account's association FAILS; the execution fails with the reason.
7. Review: a changed run, its diff, the HTML/Markdown renders, the PDF exported from staging.
8. Hub-and-spoke: spokes publish, the hub state machine syncs their cards.
9. Prod requires EU AI Act Annex IV coverage of 0.8: blocked with the missing items, the template filled, the
   card re-published and approved, then allowed.
10. An event-driven gate: the stack deployed on the emulator; RAM's state-change event completes a waiting
    CallbackStep at the flip.
11. Under the stacks' roles: what the emulator's IAM authorized under each role, and anything it refused.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mcgov.demo.scene import policy_uri, title
from mcgov.demo.states import steps_text
from mcgov.emulator import Emulator, EmulatorConfig
from mcgov.emulator.environment import environment
from mcgov.emulator.fixtures import seed_pipeline_outputs

CARD_NAME = "churn-model"
OUT = Path("out")
REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / "share_policies" / "example.yaml"
PIPELINE_EXECUTION_ARN = "arn:aws:sagemaker:us-east-1:111111111111:pipeline/churn/execution/demo0001"


def main() -> int:
    """Run every scene; the process's log settings are restored afterwards (the demo may run inside a test)."""
    with quiet_logs():
        return _scenes()


def _scenes() -> int:
    from mcgov.demo.stack import deploy_governance
    from mcgov.pipelines.local_run import create_readonly_permission, with_settings

    config = EmulatorConfig(
        region="us-east-1",
        card_account="111111111111",
        accounts={"staging": "222222222222", "prod": "333333333333"},
        any_account_in_organization=True,
    )  # scene 8's spokes are in the organization too
    from mcgov.demo import hub, review

    OUT.mkdir(exist_ok=True)
    policy = review.export_policy(POLICY, OUT, review.export_bucket(config.accounts["staging"]))
    with policy_uri(policy), Emulator(config) as emu:
        card_session = emu.act_as("card")
        title("1. A finished churn pipeline (emulated)")
        where = seed_pipeline_outputs(card_session, bucket=f"mcgov-demo-{config.card_account}")
        for key, value in where.items():
            print(f"   {key:18} {value}")

        title(f"2. Deploy the governance workflow (Step Functions) with the share policy {POLICY.relative_to(REPO)}")
        print(f"   (staging may export PDFs: AllowExport permission, {policy})")
        create_readonly_permission(card_session)
        from mcgov.demo import governance

        bus = governance.notifications(emu, policy)
        stack, workflow = deploy_governance(
            emu,
            policy_uri=str(policy.resolve()),
            artifact_bucket=f"mcgov-demo-{config.card_account}",
            settings=with_settings(max_attempts=6),
            notification_bus_arn=bus,
        )
        print(f"   stack mcgov from steps/stack/governance.yaml: {len(stack.arns)} resources")
        print(f"   state machine {workflow.state_machine_arn} (role {_name(stack.arns['StateMachineRole'])})")
        for key, arn in workflow.lambda_arns.items():
            print(f"   lambda {key:9} {arn} (role {_name(stack.function_roles[_LOGICAL[key]])})")

        card_event = {
            "card_name": CARD_NAME,
            "training_job_name": where["training_job_name"],
            "evaluation_uris": [where["evaluation"]],
            "template_uri": where["template"],
            "pipeline_execution_arn": PIPELINE_EXECUTION_ARN,
            "status": "PendingReview",
        }
        title("3. Run it for staging: populate -> share -> gate until ASSOCIATED")
        emu.set_association_delay(polls=2)
        first = workflow.execute({"card": card_event, "stage": "staging"})
        show_execution(first)
        again = workflow.execute({"card": card_event, "stage": "staging"})
        populate = again["output"]["populate"]
        print(
            f"   re-run: populate {populate['result']}, still version {populate['card_version']}; "
            f"{sum(s['created'] for s in again['output']['share']['shares'])} shares created"
        )

        sm = card_session.client("sagemaker")
        card = sm.describe_model_card(ModelCardName=CARD_NAME)
        content = json.loads(card["Content"])
        show_card(card, content)
        OUT.mkdir(exist_ok=True)
        (OUT / f"{CARD_NAME}.content.json").write_text(json.dumps(content, indent=2) + "\n")
        print(f"\n   content written to {OUT / (CARD_NAME + '.content.json')}")

        governance.consumer_view(emu, first["output"]["populate"]["card_arn"], OUT)
        governance.prod_after_review(emu, workflow, card_event, OUT)
        from mcgov.demo.registry import registry_scene

        registry_scene(emu, CARD_NAME, OUT)
        governance.blocked_scenario(emu, workflow, card_event, OUT)
        review.review_scene(emu, workflow, card_event, OUT)
        hub.hub_scene(emu, OUT)
        from mcgov.demo.assessment import assessment_scene

        assessment_scene(emu, workflow, card_event, policy, OUT)
        from mcgov.demo.events import event_driven_scene

        event_driven_scene(emu, stack)
        show_roles(emu)
    return 0


_LOGICAL = {"populate": "PopulateCardFunction", "share": "ShareCardFunction", "gate": "CheckGateFunction"}


def _name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def show_roles(emu: Any) -> None:
    """The stacks' roles: what the emulator's IAM authorized under them, and anything it refused."""
    title("11. Under the stacks' roles")
    decisions = emu.authorizations
    roles = {d.role_arn for d in decisions}
    denied = [d for d in decisions if not d.allowed]
    print(
        f"   {len(decisions) - len(denied)} calls and service actions authorized under {len(roles)} roles "
        f"(each Lambda's, each state machine's, the reviewer's), {len(denied)} denied"
    )
    for d in denied:
        print(f"   DENIED {_name(d.role_arn)}: {d.action} on {d.resource}")


@contextmanager
def quiet_logs() -> Iterator[None]:
    """The handlers' JSON logs and EMF metrics and moto's engine traces are for CloudWatch; keep the demo readable.

    A level the caller set is kept; everything is as it was afterwards.
    """
    quiet = {"MCGOV_LOG_LEVEL": "CRITICAL", "POWERTOOLS_METRICS_DISABLED": "true"}  # EMF lines are for CloudWatch
    moto = logging.getLogger("moto")
    level, propagate = moto.level, moto.propagate
    moto.setLevel(logging.CRITICAL)
    moto.propagate = False
    try:
        with environment({name: value for name, value in quiet.items() if name not in os.environ}):
            yield
    finally:
        moto.setLevel(level)
        moto.propagate = propagate


def show_execution(result: dict[str, Any]) -> None:
    print(f"   steps: {steps_text(result['states'])} ({len(result['states'])} states of the state machine)")
    print(
        f"   execution {result['status']}" + (f" ({result['error']}: {result['cause']})" if result.get("error") else "")
    )
    output = result.get("output") or {}
    if "populate" in output:
        p = output["populate"]
        print(f"   card: {p['card_arn']} v{p['card_version']} ({p['result']})")
    if "gate" in output:
        g = output["gate"]
        print(f"   gate decision: allowed={g['allowed']} status={g['status']}: {g['reason']}")


def show_card(card: dict[str, Any], content: dict[str, Any]) -> None:
    title(f"The card: {card['ModelCardName']} v{card['ModelCardVersion']} [{card['ModelCardStatus']}]")
    print("   sections: " + ", ".join(content))
    job = content.get("training_details", {}).get("training_job_details", {})
    print(f"   training job: {job.get('training_arn')}")
    for metric in job.get("training_metrics", []):
        print(f"     {metric['name']:28} {metric['value']}")
    for entry in content.get("evaluation_details", []):
        print(f"   evaluation '{entry['name']}' ({entry.get('metadata', {}).get('mcgov.format')}):")
        for group in entry.get("metric_groups", []):
            for metric in group["metric_data"]:
                print(f"     {group['name'][:32]:32} {metric['name'][:34]:34} {show_value(metric)}")


def show_value(metric: dict[str, Any]) -> str:
    value = metric["value"]
    if metric["type"] == "matrix":
        return f"matrix {len(value)}x{len(value[0])}: {value}"
    if metric["type"] == "linear_graph":
        return f"curve of {len(value)} points"
    if metric["type"] == "bar_chart":
        return f"bar chart of {len(value)} bars"
    return str(value)
