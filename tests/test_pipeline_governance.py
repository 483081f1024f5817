"""``governance_steps`` on a user's own pipeline, and its typed input errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.test_pipeline_support import all_steps, offline, step_refs

ARN = "arn:aws:lambda:us-west-2:123456789012:function:gov-"


@pytest.fixture(scope="module")
def user_pipeline_parts() -> dict[str, Any]:
    """A user's training step, written with whichever SDK is installed (the churn example's job steps)."""
    with offline("us-west-2"):
        from mcgov.pipelines import sdk
        from mcgov.pipelines.churn import jobs
        from mcgov.pipelines.session import pipeline_session

        session = pipeline_session("us-west-2", "user-bucket")
        train = jobs.for_sdk(sdk.load().major).training_step(
            "MyTrain",
            session=session,
            role="arn:aws:iam::123456789012:role/r",
            image_uri="123456789012.dkr.ecr.us-west-2.amazonaws.com/mine:1",
            instance_type="ml.m5.large",
            base_job_name="mine",
            output_path="s3://user-bucket/out",
            hyperparameters={},
            channels={"train": "s3://user-bucket/train"},
            content_type="text/csv",
        )
        return {"session": session, "train": train}


def _lambdas(with_approve: bool = True) -> Any:
    from mcgov.pipelines.governance import GovernanceLambdas

    return GovernanceLambdas.from_prefix(ARN, with_approve=with_approve)


def test_a_few_lines_add_governance_to_a_user_pipeline(user_pipeline_parts: dict[str, Any]) -> None:
    with offline("us-west-2"):
        from mcgov.pipelines import sdk
        from mcgov.pipelines.governance import governance_steps

        train = user_pipeline_parts["train"]
        steps = governance_steps(
            "my-card",
            train,
            ["s3://user-bucket/eval/evaluation.json"],
            lambda_arns=_lambdas(),
            stage="prod",
            sagemaker_session=user_pipeline_parts["session"],
        )
        definition = json.loads(
            sdk.load()
            .Pipeline(name="Mine", steps=[train, *steps], sagemaker_session=user_pipeline_parts["session"])
            .definition()
        )
    by_name = {s["Name"]: s for s in all_steps(definition)}
    assert [s["Name"] for s in definition["Steps"]] == [
        "MyTrain",
        "GovernancePopulateCard",
        "GovernanceShareCard",
        "GovernanceCheckGate",
        "GovernanceGateAllowed",
    ]
    assert step_refs(by_name["GovernancePopulateCard"]) == {"MyTrain"}
    assert "model_package_arn" not in by_name["GovernancePopulateCard"]["Arguments"], (
        "no register step: omitted, not null"
    )
    assert by_name["GovernanceCheckGate"]["Arguments"]["stage"] == "prod"
    condition = by_name["GovernanceGateAllowed"]["Arguments"]
    assert condition["IfSteps"] == [], "no register step: nothing to approve"
    assert [s["Type"] for s in condition["ElseSteps"]] == ["Fail"]


def test_lambda_arns_are_validated() -> None:
    from mcgov.pipelines.governance import GovernanceLambdas
    from mcgov.steps.workflow.exceptions import InvalidLambdaArnError

    with pytest.raises(InvalidLambdaArnError, match="populate"):
        GovernanceLambdas(populate="not-an-arn", share=ARN + "s", gate=ARN + "g")
    lambdas = GovernanceLambdas.from_prefix(ARN)
    assert lambdas.gate == ARN + "check-gate" and lambdas.region == "us-west-2"


@pytest.mark.parametrize(
    ("kwargs", "error", "hint"),
    [
        ({"gate_mode": "poll"}, "InvalidGateModeError", "lambda, callback"),
        ({"gate_wait_seconds": 900}, "InvalidGateWaitError", "callback"),
        ({"gate_wait_seconds": -1}, "InvalidGateWaitError", "0..540"),
        ({"gate_mode": "callback"}, "MissingCallbackQueueError", "GateCallbackQueueUrl"),
        ({"lambda_arns": None}, "InvalidLambdaArnError", "GovernanceLambdas"),
        ({"approve_package": True}, "BadInputError", "register_step"),
    ],
)
def test_bad_settings_raise_typed_errors(
    user_pipeline_parts: dict[str, Any], kwargs: dict[str, Any], error: str, hint: str
) -> None:
    import mcgov.errors
    import mcgov.pipelines.exceptions
    import mcgov.steps.workflow.exceptions
    from mcgov.pipelines.governance import governance_steps

    modules = (mcgov.pipelines.exceptions, mcgov.steps.workflow.exceptions, mcgov.errors)
    [expected] = {getattr(m, error) for m in modules if hasattr(m, error)}
    call = {"lambda_arns": _lambdas(), "sagemaker_session": user_pipeline_parts["session"], **kwargs}
    with pytest.raises(expected, match=hint):
        governance_steps("card", user_pipeline_parts["train"], [], **call)


def test_approving_needs_the_approve_lambda(user_pipeline_parts: dict[str, Any]) -> None:
    from mcgov.pipelines.governance import governance_steps
    from mcgov.steps.workflow.exceptions import InvalidLambdaArnError

    train = user_pipeline_parts["train"]
    with pytest.raises(InvalidLambdaArnError, match="ApproveFunctionArn"):
        governance_steps(
            "card",
            train,
            [],
            register_step=train,  # any step with properties: the check comes first
            lambda_arns=_lambdas(with_approve=False),
            approve_package=True,
            sagemaker_session=user_pipeline_parts["session"],
        )


def test_the_callback_gate_on_a_user_pipeline(user_pipeline_parts: dict[str, Any]) -> None:
    """The CallbackStep variant under the installed SDK (the churn renders cover it too, under v3 only)."""
    from mcgov.pipelines import sdk
    from mcgov.pipelines.governance import governance_steps
    from mcgov.steps.gate.callback import CALLBACK_OUTPUTS

    with offline("us-west-2"):
        train, session = user_pipeline_parts["train"], user_pipeline_parts["session"]
        steps = governance_steps(
            "my-card",
            train,
            ["s3://user-bucket/eval/evaluation.json"],
            lambda_arns=_lambdas(),
            gate_mode="callback",
            callback_queue_url="https://sqs.us-west-2.amazonaws.com/123456789012/gov-gate",
            sagemaker_session=session,
        )
        definition = json.loads(
            sdk.load().Pipeline(name="Mine", steps=[train, *steps], sagemaker_session=session).definition()
        )
    assert [s["Name"] for s in definition["Steps"]] == [
        "MyTrain",
        "GovernancePopulateCard",
        "GovernanceShareCard",
        "GovernanceWaitForGate",
    ]
    wait = definition["Steps"][-1]
    assert wait["Type"] == "Callback" and set(wait["Arguments"]) == {"card_arn", "stage"}
    assert [(o["OutputName"], o["OutputType"]) for o in wait["OutputParameters"]] == [
        (o.name, o.output_type) for o in CALLBACK_OUTPUTS
    ]
