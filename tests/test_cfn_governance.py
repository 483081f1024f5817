"""cloudformation/governance.yaml: cfn-lint clean, least privilege, and consistent with the code."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "cloudformation" / "governance.yaml"
STANDALONE = REPO / "cloudformation" / "state-machine.json"
HANDLERS = {
    "PopulateCardFunction": "mcgov.steps.handlers.populate_card.handler",
    "ShareCardFunction": "mcgov.steps.handlers.share_card.handler",
    "CheckGateFunction": "mcgov.steps.handlers.check_gate.handler",
    "ApprovalGuardFunction": "mcgov.steps.handlers.approval_guard.handler",
    "GateWatcherFunction": "mcgov.steps.handlers.gate_watcher.handler",
    "ApproveModelPackageFunction": "mcgov.steps.handlers.approve_model_package.handler",
}
NO_RESOURCE_LEVEL = {"ram:GetResourceShares", "ram:GetResourceShareAssociations", "ram:ListResources", "ram:ListPermissions",
                     "ram:ListPrincipals", "ram:CreateResourceShare"}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    from cfnlint.decode import decode

    decoded, errors = decode(str(TEMPLATE))
    assert not errors, errors
    return json.loads(json.dumps(decoded))


def _statements(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, res in template["Resources"].items():
        props = res.get("Properties", {})
        docs = [p["PolicyDocument"] for p in props.get("Policies", [])]
        if res["Type"] == "AWS::IAM::ManagedPolicy":
            docs.append(props["PolicyDocument"])
        for doc in docs:
            for st in doc["Statement"]:
                if isinstance(st, dict) and "Fn::If" in st:
                    st = st["Fn::If"][1]
                found.append((name, st))
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("path", [TEMPLATE, STANDALONE], ids=lambda p: p.name)
def test_cfn_lint_is_clean(path: Path) -> None:
    from cfnlint.api import ManualArgs, lint_file

    matches = lint_file(path, config=ManualArgs(regions=["us-east-1", "eu-west-1"]))
    assert [str(m) for m in matches] == []


def test_no_wildcard_actions_and_star_resources_only_where_the_api_requires(template: dict[str, Any]) -> None:
    statements = _statements(template)
    assert len(statements) > 10
    for owner, st in statements:
        actions = _as_list(st["Action"])
        assert all("*" not in a for a in actions), f"{owner}: wildcard action in {actions}"
        assert st["Effect"] == "Allow"
        if "*" in _as_list(st["Resource"]):
            assert set(actions) <= NO_RESOURCE_LEVEL, f"{owner}: {actions} on Resource '*'"


def test_model_card_actions_are_scoped_to_model_card_arns(template: dict[str, Any]) -> None:
    for owner, st in _statements(template):
        if any(a.endswith("ModelCard") or "ModelCardVersions" in a for a in _as_list(st["Action"])):
            resources = [r["Fn::Sub"] for r in _as_list(st["Resource"])]
            assert resources == ["arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-card/*"], owner
        if any(a in ("ram:AssociateResourceShare", "ram:DisassociateResourceShare") for a in _as_list(st["Action"])):
            assert st["Resource"]["Fn::Sub"].endswith(":resource-share/*"), owner


def test_lambdas_run_the_contract_handlers_with_the_deploy_time_policy(template: dict[str, Any]) -> None:
    res = template["Resources"]
    for logical, handler in HANDLERS.items():
        props = res[logical]["Properties"]
        assert props["Handler"] == handler
        assert props["Code"] == {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": {"Ref": "CodeKey"}}
        if logical != "ApproveModelPackageFunction":  # the only handler that reads no share policy
            assert props["Environment"]["Variables"]["MCGOV_POLICY_URI"] == {"Ref": "PolicyUri"}
        assert props["Runtime"] == {"Ref": "PythonRuntime"}
    assert set(template["Parameters"]["PythonRuntime"]["AllowedValues"]) <= {"python3.11", "python3.12"}


def test_function_names_match_the_pipeline_arn_prefix(template: dict[str, Any]) -> None:
    from mcgov.pipelines.governance import HANDLER_SUFFIXES

    names = {r["Properties"]["FunctionName"]["Fn::Sub"] for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"}
    assert {f"${{AWS::StackName}}-{s}" for s in HANDLER_SUFFIXES.values()} <= names
    assert template["Outputs"]["LambdaArnPrefix"]["Value"]["Fn::Sub"].endswith(":function:${AWS::StackName}-")


def test_approval_guard_listens_to_model_package_state_changes(template: dict[str, Any]) -> None:
    rule = template["Resources"]["ModelPackageStateChangeRule"]["Properties"]
    assert rule["EventPattern"]["source"] == ["aws.sagemaker"]
    assert rule["EventPattern"]["detail-type"] == ["SageMaker Model Package State Change"]
    assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": ["ApprovalGuardFunction", "Arn"]}


def test_gate_watcher_is_driven_by_its_queue(template: dict[str, Any]) -> None:
    res = template["Resources"]
    mapping = res["GateCallbackEventSource"]["Properties"]
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["GateCallbackQueue", "Arn"]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert not any(r["Type"] == "AWS::Events::Rule" and "ScheduleExpression" in r["Properties"] for r in res.values())
    assert res["GateCallbackQueue"]["Properties"]["VisibilityTimeout"] >= 6 * res["GateWatcherFunction"]["Properties"]["Timeout"]


def test_prod_permission_is_read_only_subset_of_the_managed_one(template: dict[str, Any]) -> None:
    perm = template["Resources"]["ProdReadOnlyModelCardPermission"]["Properties"]
    assert perm["ResourceType"] == "sagemaker:ModelCard"
    managed = {"sagemaker:DescribeModelCard", "sagemaker:ListModelCardVersions", "sagemaker:UpdateModelCard"}
    actions = set(perm["PolicyTemplate"]["Action"])
    assert actions == {"sagemaker:DescribeModelCard", "sagemaker:ListModelCardVersions"}
    assert actions < managed


def test_state_machine_is_the_exported_asl(template: dict[str, Any]) -> None:
    from mcgov.pipelines.cfn_sync import main
    from mcgov.pipelines.workflow import build_workflow_definition

    props = template["Resources"]["GovernanceStateMachine"]["Properties"]
    assert props["Definition"] == build_workflow_definition(None)
    assert set(props["DefinitionSubstitutions"]) == {"PopulateFunctionArn", "ShareFunctionArn", "GateFunctionArn"}
    assert main(["--check"]) == 0, "run python -m mcgov.pipelines.cfn_sync"
