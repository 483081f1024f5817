"""``governance_steps`` on a user's own pipeline, and its typed input errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.test_pipeline_support import all_steps, offline, step_refs

ARN = "arn:aws:lambda:us-west-2:123456789012:function:gov-"


@pytest.fixture(scope="module")
def user_pipeline_parts() -> dict[str, Any]:
    with offline("us-west-2"):
        from sagemaker.estimator import Estimator
        from sagemaker.workflow.steps import TrainingStep

        from mcgov.pipelines.session import pipeline_session

        session = pipeline_session("us-west-2", "user-bucket")
        estimator = Estimator(
            image_uri="123456789012.dkr.ecr.us-west-2.amazonaws.com/mine:1",
            role="arn:aws:iam::123456789012:role/r",
            instance_type="ml.m5.large",
            instance_count=1,
            sagemaker_session=session,
        )
        train = TrainingStep(name="MyTrain", step_args=estimator.fit("s3://user-bucket/train"))
        return {"session": session, "train": train}


def _lambdas(with_approve: bool = True) -> Any:
    from mcgov.pipelines.governance import GovernanceLambdas

    return GovernanceLambdas.from_prefix(ARN, with_approve=with_approve)


def test_a_few_lines_add_governance_to_a_user_pipeline(user_pipeline_parts: dict[str, Any]) -> None:
    with offline("us-west-2"):
        from sagemaker.workflow.pipeline import Pipeline

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
            Pipeline(name="Mine", steps=[train, *steps], sagemaker_session=user_pipeline_parts["session"]).definition()
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
    from mcgov.pipelines.exceptions import InvalidLambdaArnError
    from mcgov.pipelines.governance import GovernanceLambdas

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
    ],
)
def test_bad_settings_raise_typed_errors(
    user_pipeline_parts: dict[str, Any], kwargs: dict[str, Any], error: str, hint: str
) -> None:
    import mcgov.pipelines.exceptions as exceptions
    from mcgov.pipelines.governance import governance_steps

    call = {"lambda_arns": _lambdas(), "sagemaker_session": user_pipeline_parts["session"], **kwargs}
    with pytest.raises(getattr(exceptions, error), match=hint):
        governance_steps("card", user_pipeline_parts["train"], [], **call)
