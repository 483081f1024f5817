"""The churn pipeline definition renders offline and its governance steps are wired correctly (SDK v3, and v2 in
``make test-v2``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_pipeline_support import all_steps, churn_definition, step_refs, walk

LAMBDAS = {
    "populate": "arn:aws:lambda:eu-west-1:123456789012:function:gov-populate-card",
    "share": "arn:aws:lambda:eu-west-1:123456789012:function:gov-share-card",
    "gate": "arn:aws:lambda:eu-west-1:123456789012:function:gov-check-gate",
    "approve": "arn:aws:lambda:eu-west-1:123456789012:function:gov-approve-model-package",
}


QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/gov-gate"


@pytest.fixture(scope="module")
def lambda_mode() -> dict[str, Any]:
    """The default: the pipeline leaves the package's approval to the registry flow."""
    return churn_definition(lambda_arns=LAMBDAS, include_preprocessing=True, gate_wait_seconds=120)


@pytest.fixture(scope="module")
def approving() -> dict[str, Any]:
    """``approve_package=True``, the opt-in (the render the SDK parity test compares too)."""
    return churn_definition(lambda_arns=LAMBDAS, include_preprocessing=True, approve_package=True)


@pytest.fixture(scope="module")
def callback_mode() -> dict[str, Any]:
    """The CallbackStep variant, approving the package."""
    return churn_definition(lambda_arns=LAMBDAS, gate_mode="callback", callback_queue_url=QUEUE, approve_package=True)


def _by_name(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["Name"]: s for s in all_steps(definition)}


MODES = ["lambda_mode", "approving", "callback_mode"]


@pytest.mark.parametrize("mode", MODES)
def test_step_names_are_unique(mode: str, request: pytest.FixtureRequest) -> None:
    names = [s["Name"] for s in all_steps(request.getfixturevalue(mode))]
    assert len(names) == len(set(names)), names


@pytest.mark.parametrize("mode", MODES)
def test_every_reference_resolves(mode: str, request: pytest.FixtureRequest) -> None:
    definition = request.getfixturevalue(mode)
    names = {s["Name"] for s in all_steps(definition)}
    parameters = {p["Name"] for p in definition["Parameters"]}
    gets = [n["Get"] for n in walk(definition) if isinstance(n, dict) and isinstance(n.get("Get"), str)]
    assert gets, "expected property references in the definition"
    for ref in gets:
        kind, _, rest = ref.partition(".")
        if kind == "Steps":
            assert rest.split(".")[0] in names, f"{ref} names no step"
        elif kind == "Parameters":
            assert rest in parameters, f"{ref} names no parameter"
        else:
            assert kind == "Execution", ref
    for step in all_steps(definition):
        for dep in step.get("DependsOn", []):
            assert dep in names, f"{step['Name']} depends on unknown {dep}"
    joins = [n["Std:Join"] for n in walk(definition) if isinstance(n, dict) and "Std:Join" in n]
    assert all(set(j) == {"On", "Values"} for j in joins)
    assert joins, "the churn pipeline joins the evaluation URI"


def test_governance_steps_depend_on_the_right_outputs(lambda_mode: dict[str, Any]) -> None:
    steps = _by_name(lambda_mode)
    populate = steps["GovernancePopulateCard"]
    assert {"TrainChurnModel", "EvaluateChurnModel"} <= step_refs(populate)
    assert populate["Arguments"]["training_job_name"] == {"Get": "Steps.TrainChurnModel.TrainingJobName"}
    [uri] = populate["Arguments"]["evaluation_uris"]
    assert uri["Std:Join"]["Values"][0]["Get"].startswith("Steps.EvaluateChurnModel.ProcessingOutputConfig")
    assert uri["Std:Join"]["Values"][1] == "evaluation.json"
    assert populate["Arguments"]["model_package_arn"] == {
        "Get": "Steps.RegisterChurnModel-RegisterModel.ModelPackageArn"
    }
    assert populate["Arguments"]["pipeline_execution_arn"] == {"Get": "Execution.PipelineExecutionArn"}
    assert populate["FunctionArn"] == LAMBDAS["populate"]

    share = steps["GovernanceShareCard"]
    assert share["Arguments"] == {"card_arn": {"Get": "Steps.GovernancePopulateCard.OutputParameters['card_arn']"}}
    assert set(share["Arguments"]) == {"card_arn"}, "the share policy must not travel in the event"

    gate = steps["GovernanceCheckGate"]
    assert step_refs(gate) == {"GovernanceShareCard", "RegisterChurnModel-RegisterModel"}
    assert gate["Arguments"]["model_package_arn"] == {"Get": "Steps.RegisterChurnModel-RegisterModel.ModelPackageArn"}
    assert gate["Arguments"]["wait_seconds"] == 120
    assert gate["Arguments"]["stage"] == {"Get": "Parameters.GovernanceStage"}
    assert {o["OutputName"]: o["OutputType"] for o in gate["OutputParameters"]} == {
        "allowed": "Boolean",
        "status": "String",
        "reason": "String",
    }

    condition = steps["GovernanceGateAllowed"]
    assert step_refs(condition) == {"GovernanceCheckGate"}
    [rule] = condition["Arguments"]["Conditions"]
    assert rule == {
        "Type": "Equals",
        "LeftValue": {"Get": "Steps.GovernanceCheckGate.OutputParameters['allowed']"},
        "RightValue": True,
    }
    assert condition["Arguments"]["IfSteps"] == [], "by default the pipeline does not approve the package"
    assert "approve" not in str([s.get("FunctionArn") for s in all_steps(lambda_mode)])
    [fail] = condition["Arguments"]["ElseSteps"]
    assert fail["Type"] == "Fail"
    assert {"Get": "Steps.GovernanceCheckGate.OutputParameters['reason']"} in fail["Arguments"]["ErrorMessage"][
        "Std:Join"
    ]["Values"]


def test_approve_package_opts_in_to_approval_once_the_gate_allowed(approving: dict[str, Any]) -> None:
    steps = _by_name(approving)
    [approve] = steps["GovernanceGateAllowed"]["Arguments"]["IfSteps"]
    assert approve["FunctionArn"] == LAMBDAS["approve"]
    assert approve["Arguments"]["model_package_arn"] == {
        "Get": "Steps.RegisterChurnModel-RegisterModel.ModelPackageArn"
    }
    assert approve["Arguments"]["card_arn"] == {"Get": "Steps.GovernanceShareCard.OutputParameters['card_arn']"}
    register = steps["RegisterChurnModel-RegisterModel"]
    assert register["Arguments"]["ModelApprovalStatus"] == {"Get": "Parameters.ModelApprovalStatus"}
    [status] = [p for p in approving["Parameters"] if p["Name"] == "ModelApprovalStatus"]
    assert status["DefaultValue"] == "PendingManualApproval", "registered for a human (or the opt-in) to approve"


def test_preprocessing_feeds_training_when_enabled(lambda_mode: dict[str, Any]) -> None:
    assert "PreprocessChurnData" in step_refs(_by_name(lambda_mode)["TrainChurnModel"])
    assert "TrainDataUrl" not in {p["Name"] for p in lambda_mode["Parameters"]}


def test_training_uses_the_builtin_xgboost_image(lambda_mode: dict[str, Any]) -> None:
    image = _by_name(lambda_mode)["TrainChurnModel"]["Arguments"]["AlgorithmSpecification"]["TrainingImage"]
    assert "sagemaker-xgboost" in image and "eu-west-1" in image


def test_callback_variant_waits_on_the_gate_watcher_queue(callback_mode: dict[str, Any]) -> None:
    steps = _by_name(callback_mode)
    wait = steps["GovernanceWaitForGate"]
    assert wait["Type"] == "Callback"
    assert wait["SqsQueueUrl"] == QUEUE
    assert set(wait["Arguments"]) == {"card_arn", "stage"}
    assert step_refs(wait) == {"GovernanceShareCard"}
    assert [o["OutputName"] for o in wait["OutputParameters"]] == ["gate_allowed", "gate_status", "gate_reason"]
    assert step_refs(steps["GovernanceApproveModelPackage"]) >= {"GovernanceWaitForGate"}
    assert not any(s["Type"] == "Condition" for s in all_steps(callback_mode))


def test_no_pipeline_parameter_or_step_argument_can_name_an_account(lambda_mode: dict[str, Any]) -> None:
    """Security rule: principals come only from the deploy-time share policy, never from a pipeline run."""
    steps = {s["Name"]: s for s in all_steps(lambda_mode)}
    assert set(steps["GovernanceShareCard"]["Arguments"]) == {"card_arn"}
    assert set(steps["GovernanceCheckGate"]["Arguments"]) <= {"card_arn", "stage", "wait_seconds", "model_package_arn"}
    package = steps["GovernanceCheckGate"]["Arguments"].get("model_package_arn")
    assert package is None or set(package) == {"Get"}  # the registered package, never a value given to the run
    names = [p["Name"].lower() for p in lambda_mode.get("Parameters", [])]
    assert not [n for n in names if any(word in n for word in ("account", "principal", "policy"))]


def test_callback_outputs_are_the_ones_the_gate_watcher_sends(callback_mode: dict[str, Any]) -> None:
    """One list in code: the rendered CallbackStep declares exactly what the watcher's success carries."""
    from mcgov.steps.gate.callback import CALLBACK_OUTPUTS, output_problem, success_parameters

    declared = _by_name(callback_mode)["GovernanceWaitForGate"]["OutputParameters"]
    assert [(o["OutputName"], o["OutputType"]) for o in declared] == [(o.name, o.output_type) for o in CALLBACK_OUTPUTS]
    sent = success_parameters({"allowed": True, "status": "ALLOWED", "reason": "all associations are ASSOCIATED"})
    assert [p["Name"] for p in sent] == [o["OutputName"] for o in declared]
    assert output_problem(sent) is None
    assert "declared outputs" in output_problem([{"Name": "gate_decision", "Value": "ALLOWED"}])


@pytest.mark.parametrize("mode", MODES)
def test_no_step_argument_is_null(mode: str, request: pytest.FixtureRequest) -> None:
    """Optional inputs (evaluation_format, template_uri, model_package_arn) are omitted, never sent as null."""
    for step in all_steps(request.getfixturevalue(mode)):
        arguments = step.get("Arguments")
        if isinstance(arguments, dict):
            nulls = [name for name, value in arguments.items() if value is None]
            assert nulls == [], f"{step['Name']} passes {nulls} as null"
    populate = _by_name(request.getfixturevalue(mode))["GovernancePopulateCard"]["Arguments"]
    assert "evaluation_format" not in populate and "template_uri" not in populate
