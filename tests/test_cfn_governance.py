"""The stack template (steps/stack/governance.yaml, package data): cfn-lint clean, least privilege, consistent with
the code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mcgov.emulator.iam.reference import resource_types
from mcgov.errors import BadInputError
from mcgov.steps.stack.template import TEMPLATE as STACK_TEMPLATE
from mcgov.steps.workflow.definition import HUB_RESULTS_PREFIX

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = STACK_TEMPLATE
STANDALONE = REPO / "cloudformation" / "state-machine.json"
HANDLERS = {
    "PopulateCardFunction": "mcgov.steps.handlers.populate_card.handler",
    "ShareCardFunction": "mcgov.steps.handlers.share_card.handler",
    "CheckGateFunction": "mcgov.steps.handlers.check_gate.handler",
    "ApprovalGuardFunction": "mcgov.steps.handlers.approval_guard.handler",
    "GateWatcherFunction": "mcgov.steps.handlers.gate_watcher.handler",
    "ApproveModelPackageFunction": "mcgov.steps.handlers.approve_model_package.handler",
    "HubSyncFunction": "mcgov.steps.handlers.hub_sync.handler",
    "HubListSpokesFunction": "mcgov.steps.handlers.hub_sync.list_spokes",
}
HUB_RESOURCES = {
    "HubSyncRole",
    "HubListSpokesRole",
    "HubStateMachineRole",
    "HubSyncLogs",
    "HubListSpokesLogs",
    "HubSyncFunction",
    "HubListSpokesFunction",
    "HubStateMachine",
    "HubSyncResults",
    "HubTracingPolicy",
}
OWN_MODEL_CARDS = "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-card/*"
STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/{name}/1c2fa620-982a-11e3-aff7-50e2416294e0"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    from cfnlint.decode import decode

    decoded, errors = decode(str(TEMPLATE))
    assert not errors, errors
    return json.loads(json.dumps(decoded))


def _raw_statements(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(resource, statement) of every IAM policy in the template, a conditional statement as written (``Fn::If``)."""
    found = []
    for name, res in template["Resources"].items():
        props = res.get("Properties", {})
        docs = [p["PolicyDocument"] for p in props.get("Policies", [])]
        if res["Type"] == "AWS::IAM::ManagedPolicy":
            docs.append(props["PolicyDocument"])
        found += [(name, st) for doc in docs for st in doc["Statement"]]
    return found


def _statements(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Like ``_raw_statements``, a conditional statement as the statement it grants when its condition holds."""
    return [
        (name, st["Fn::If"][1] if isinstance(st, dict) and "Fn::If" in st else st)
        for name, st in _raw_statements(template)
    ]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("path", [TEMPLATE, STANDALONE], ids=lambda p: p.name)
def test_cfn_lint_is_clean(path: Path) -> None:
    from cfnlint.api import ManualArgs, lint_file

    matches = lint_file(path, config=ManualArgs(regions=["us-east-1", "eu-west-1"]))
    assert [str(m) for m in matches] == []


def test_no_wildcard_actions_and_star_resources_only_where_the_api_requires(template: dict[str, Any]) -> None:
    statements = [(owner, st) for owner, st in _statements(template) if owner != "DenyApprovalRecordTags"]
    assert len(statements) > 10
    for owner, st in statements:
        actions = _as_list(st["Action"])
        assert all("*" not in a for a in actions), f"{owner}: wildcard action in {actions}"
        assert st["Effect"] == "Allow"
        if "*" in _as_list(st["Resource"]):  # only actions the IAM reference gives no resource type
            assert all(resource_types(a) == [""] for a in actions), f"{owner}: {actions} on Resource '*'"


def test_model_card_actions_are_scoped_to_model_card_arns(template: dict[str, Any]) -> None:
    for owner, st in _statements(template):
        if st["Effect"] == "Deny":  # DenyApprovalRecordTags: a deny holds everywhere
            continue
        if any(a.endswith("ModelCard") or "ModelCardVersions" in a for a in _as_list(st["Action"])):
            resources = [r["Fn::Sub"] for r in _as_list(st["Resource"])]
            if owner == "HubSyncRole" and st.get("Sid") == "ReadSpokeCards":  # spokes' cards, read only, by account
                assert resources == [OWN_MODEL_CARDS.replace("${AWS::AccountId}", "*")]
                assert st["Action"] == ["sagemaker:DescribeModelCard"]
                assert st["Condition"] == {"StringEquals": {"aws:ResourceAccount": {"Ref": "HubSpokeAccounts"}}}
                continue
            assert resources == [OWN_MODEL_CARDS], owner
        if any(a in ("ram:AssociateResourceShare", "ram:DisassociateResourceShare") for a in _as_list(st["Action"])):
            assert st["Resource"]["Fn::Sub"].endswith(":resource-share/*"), owner


def test_lambdas_run_the_contract_handlers_with_the_deploy_time_policy(template: dict[str, Any]) -> None:
    res = template["Resources"]
    for logical, handler in HANDLERS.items():
        props = res[logical]["Properties"]
        assert props["Handler"] == handler
        assert props["Code"] == {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": {"Ref": "CodeKey"}}
        variables = props["Environment"]["Variables"]
        if logical not in ("ApproveModelPackageFunction", "PopulateCardFunction"):  # they read no share policy
            assert variables["MCGOV_POLICY_URI"] == {"Ref": "PolicyUri"}
            assert variables["MCGOV_POLICY_MAX_AGE"] == {"Ref": "PolicyMaxAgeSeconds"}
        else:
            assert "MCGOV_POLICY_URI" not in variables
        assert props["Runtime"] == {"Ref": "PythonRuntime"}
        # Powertools: Tracer only with Tracing=true; Lambda's JSON log format, filtered at LogLevel.
        assert variables["POWERTOOLS_TRACE_DISABLED"] == {"Fn::If": ["TracingEnabled", "false", "true"]}
        assert props["TracingConfig"] == {"Mode": {"Fn::If": ["TracingEnabled", "Active", "PassThrough"]}}
        assert props["LoggingConfig"]["LogFormat"] == "JSON"
        assert props["LoggingConfig"]["ApplicationLogLevel"] == {"Ref": "LogLevel"}
        assert res[props["LoggingConfig"]["LogGroup"]["Ref"]]["Type"] == "AWS::Logs::LogGroup"
    assert template["Parameters"]["Tracing"]["Default"] == "false"
    assert set(template["Parameters"]["PythonRuntime"]["AllowedValues"]) <= {"python3.11", "python3.12"}


def test_hub_resources_exist_only_with_deploy_hub(template: dict[str, Any]) -> None:
    """DeployHub=false (the default) leaves the centralized stack as it was: no hub resource, no reference to one."""
    assert template["Parameters"]["DeployHub"]["Default"] == "false"
    assert template["Conditions"]["HubEnabled"] == {"Fn::Equals": [{"Ref": "DeployHub"}, "true"]}
    res = template["Resources"]
    conditional = {name for name, r in res.items() if r.get("Condition") in ("HubEnabled", "HubTracingEnabled")}
    assert conditional == HUB_RESOURCES
    centralized = json.dumps({n: r for n, r in res.items() if n not in HUB_RESOURCES})
    for name in HUB_RESOURCES:
        assert f'"{name}"' not in centralized, f"{name} is referenced by a resource of the centralized stack"
    hub_outputs = {n for n, o in template["Outputs"].items() if any(h in json.dumps(o) for h in HUB_RESOURCES)}
    assert hub_outputs == {"HubStateMachineArn", "HubSyncResultsBucket"}
    assert all(template["Outputs"][name]["Condition"] == "HubEnabled" for name in hub_outputs)


def test_hub_state_machine_may_only_invoke_its_lambdas_and_run_its_own_children(template: dict[str, Any]) -> None:
    res = template["Resources"]
    machine = res["HubStateMachine"]["Properties"]
    assert machine["RoleArn"] == {"Fn::GetAtt": ["HubStateMachineRole", "Arn"]}
    assert machine["DefinitionSubstitutions"] == {
        "HubSyncFunctionArn": {"Fn::GetAtt": ["HubSyncFunction", "Arn"]},
        "HubListSpokesFunctionArn": {"Fn::GetAtt": ["HubListSpokesFunction", "Arn"]},
        "HubResultsBucket": {"Ref": "HubSyncResults"},
    }
    name = machine["StateMachineName"]["Fn::Sub"]
    grants = {
        a: st["Resource"]
        for owner, st in _statements(template)
        if owner == "HubStateMachineRole"
        for a in _as_list(st["Action"])
    }
    assert grants["lambda:InvokeFunction"] == [
        {"Fn::GetAtt": ["HubSyncFunction", "Arn"]},
        {"Fn::GetAtt": ["HubListSpokesFunction", "Arn"]},
    ]
    assert grants["states:StartExecution"]["Fn::Sub"].endswith(f":stateMachine:{name}")
    for action in ("states:DescribeExecution", "states:StopExecution"):
        assert grants[action]["Fn::Sub"].endswith(f":execution:{name}/*")
    results = ("s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload")
    for action in results:  # the ResultWriter's, on its prefix of the results bucket only
        assert grants[action] == {"Fn::Sub": f"${{HubSyncResults.Arn}}/{HUB_RESULTS_PREFIX}/*"}
    assert set(grants) == {
        "lambda:InvokeFunction",
        "states:StartExecution",
        "states:DescribeExecution",
        "states:StopExecution",
        *results,
    }


def test_function_names_match_the_pipeline_arn_prefix(template: dict[str, Any]) -> None:
    from mcgov.pipelines.governance import HANDLER_SUFFIXES

    names = {
        r["Properties"]["FunctionName"]["Fn::Sub"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function"
    }
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
    assert (
        res["GateCallbackQueue"]["Properties"]["VisibilityTimeout"]
        >= 6 * res["GateWatcherFunction"]["Properties"]["Timeout"]
    )


def test_prod_permission_is_read_only_subset_of_the_managed_one(template: dict[str, Any]) -> None:
    perm = template["Resources"]["ProdReadOnlyModelCardPermission"]["Properties"]
    assert perm["ResourceType"] == "sagemaker:ModelCard"
    managed = {"sagemaker:DescribeModelCard", "sagemaker:ListModelCardVersions", "sagemaker:UpdateModelCard"}
    actions = set(perm["PolicyTemplate"]["Action"])
    assert actions == {"sagemaker:DescribeModelCard", "sagemaker:ListModelCardVersions"}
    assert actions < managed


def test_state_machine_is_the_exported_asl(template: dict[str, Any]) -> None:
    from mcgov.pipelines.cfn_sync import main
    from mcgov.steps.workflow.definition import (
        HUB_RESULTS_SUBSTITUTION,
        HUB_SUBSTITUTIONS,
        governance_definition,
        hub_definition,
    )

    props = template["Resources"]["GovernanceStateMachine"]["Properties"]
    assert props["Definition"] == governance_definition(None)
    assert set(props["DefinitionSubstitutions"]) == {"PopulateFunctionArn", "ShareFunctionArn", "GateFunctionArn"}
    hub = template["Resources"]["HubStateMachine"]["Properties"]
    assert hub["Definition"] == hub_definition()
    assert set(hub["DefinitionSubstitutions"]) == {*HUB_SUBSTITUTIONS.values(), HUB_RESULTS_SUBSTITUTION}
    assert main(["--check"]) == 0, "run python -m mcgov.pipelines.cfn_sync"


LAMBDA_TIMEOUT_MARGIN_SECONDS = 30
"""How much longer a Task waits than its function may run: invocation and start-up time."""
LAMBDA_STEP_LIMIT_SECONDS = 600
"""A SageMaker Pipelines Lambda step times out after 10 minutes."""


def _states(states: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every state of a definition, those of Map item processors and Parallel branches included."""
    found = []
    for name, state in states.items():
        found.append((name, state))
        for inner in (state.get("ItemProcessor"), state.get("Iterator"), *state.get("Branches", [])):
            if inner:
                found += _states(inner["States"])
    return found


def test_every_task_outlasts_the_function_it_invokes(template: dict[str, Any]) -> None:
    """Over the whole template: a Lambda Task's TimeoutSeconds is at least its function's Timeout plus a margin,
    so the function times out first (with its own error) and Step Functions never abandons, and then retries
    alongside, a call that is still running."""
    res = template["Resources"]
    checked = []
    for machine, resource in res.items():
        if resource["Type"] != "AWS::StepFunctions::StateMachine":
            continue
        substitutions = resource["Properties"]["DefinitionSubstitutions"]
        for name, state in _states(resource["Properties"]["Definition"]["States"]):
            if state.get("Type") != "Task" or not state["Resource"].startswith("arn:aws:states:::lambda:invoke"):
                continue
            if state["Resource"].endswith(".waitForTaskToken"):  # waits for the token, not the call: its timeout
                assert state["TimeoutSecondsPath"] == "$.gate.next_check_seconds", name  # is the gate's next poll
                continue
            variable = state["Parameters"]["FunctionName"].removeprefix("${").removesuffix("}")
            function = substitutions[variable]["Fn::GetAtt"][0]
            timeout = res[function]["Properties"]["Timeout"]
            assert state["TimeoutSeconds"] >= timeout + LAMBDA_TIMEOUT_MARGIN_SECONDS, (machine, name, function)
            checked.append(function)
    assert sorted(checked) == sorted(
        ["PopulateCardFunction", "ShareCardFunction", "CheckGateFunction", "HubSyncFunction", "HubListSpokesFunction"]
    )


def test_the_gate_function_outlasts_its_longest_wait_within_a_pipeline_lambda_step(template: dict[str, Any]) -> None:
    from mcgov.pipelines.governance import GATE_MAX_WAIT_SECONDS
    from mcgov.steps.handlers.config import GATE_MARGIN_SECONDS

    timeout = template["Resources"]["CheckGateFunction"]["Properties"]["Timeout"]
    assert GATE_MAX_WAIT_SECONDS + GATE_MARGIN_SECONDS <= timeout <= LAMBDA_STEP_LIMIT_SECONDS


def _evaluate(node: Any, refs: dict[str, str]) -> Any:
    """Evaluate the intrinsic functions a name uses (Ref, Fn::Join, Fn::Select, Fn::Split, Fn::Sub without
    variables)."""
    if isinstance(node, list):
        return [_evaluate(item, refs) for item in node]
    if not isinstance(node, dict):
        return node
    ((fn, arg),) = node.items()
    if fn == "Ref":
        return refs[arg]
    if fn == "Fn::Join":
        return arg[0].join(_evaluate(arg[1], refs))
    if fn == "Fn::Select":
        return _evaluate(arg[1], refs)[int(arg[0])]
    if fn == "Fn::Split":
        return _evaluate(arg[1], refs).split(arg[0])
    if fn == "Fn::Sub" and isinstance(arg, str):
        for key, value in refs.items():
            arg = arg.replace("${" + key + "}", value)
        assert "${" not in arg, arg
        return arg
    raise AssertionError(f"unexpected {fn} in a permission name")


@pytest.mark.parametrize("stack_name", ["m", "mcgov", "model-card-governance-prod", "a" + "-b" * 63 + "c"])
def test_read_only_permission_name_is_at_most_36_characters_for_any_stack_name(
    template: dict[str, Any], stack_name: str
) -> None:
    from mcgov.identifiers import PERMISSION_NAME_MAX

    assert len(stack_name) <= 128
    name_node = template["Resources"]["ProdReadOnlyModelCardPermission"]["Properties"]["Name"]
    refs = {"AWS::StackId": STACK_ID.format(name=stack_name), "AWS::StackName": stack_name}
    name = _evaluate(name_node, refs)
    assert len(name) <= PERMISSION_NAME_MAX and name == "mcgov-model-card-read-only-1c2fa620"
    other = _evaluate(name_node, {**refs, "AWS::StackId": refs["AWS::StackId"].replace("1c2fa620", "9d00be11")})
    assert other != name, "two stacks in one account and region need different permission names"


def test_policy_model_refuses_customer_permission_names_over_36_characters() -> None:
    from mcgov.share_policies.loader import parse_policy

    def policy(name: str) -> dict[str, Any]:
        return {
            "version": 1,
            "card_account": "111111111111",
            "region": "us-east-1",
            "permission_arn": f"arn:aws:ram:us-east-1:111111111111:permission/{name}",
            "approvers": ["arn:aws:iam::111111111111:role/CardReviewer"],
            "stages": {"prod": {"accounts": ["333333333333"], "required_card_status": "Approved"}},
        }

    assert parse_policy(policy("x" * 36)).permission_arn.endswith("/" + "x" * 36)
    with pytest.raises(BadInputError, match="permission_arn: RAM permission names are at most 36 characters"):
        parse_policy(policy("x" * 37))
    # 46 characters: AWS's own permission names may be longer than a customer-managed one
    managed = "arn:aws:ram::aws:permission/AWSRAMPermissionSageMakerModelCardsAllowExport"
    assert parse_policy({**policy("x"), "permission_arn": managed}).permission_arn == managed


def _async_targets(resources: dict[str, Any]) -> set[str]:
    """Functions a service invokes asynchronously: EventBridge rule targets (and S3/SNS permissions)."""
    found = set()
    for res in resources.values():
        if res["Type"] == "AWS::Events::Rule":
            found |= {t["Arn"]["Fn::GetAtt"][0] for t in res["Properties"]["Targets"] if "Fn::GetAtt" in t["Arn"]}
        if res["Type"] == "AWS::Lambda::Permission" and res["Properties"]["Principal"] in (
            "s3.amazonaws.com",
            "sns.amazonaws.com",
        ):
            found.add(res["Properties"]["FunctionName"]["Ref"])
    return found


def _queue_alarm(resources: dict[str, Any], queue: str) -> dict[str, Any]:
    alarms = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        and {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}} in r["Properties"]["Dimensions"]
    ]
    assert len(alarms) == 1, f"{queue}: expected one alarm on it"
    alarm = alarms[0]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)
    assert alarm["AlarmActions"] == {"Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]}
    return alarm


def test_every_asynchronously_invoked_function_has_a_failure_queue_with_an_alarm(template: dict[str, Any]) -> None:
    res = template["Resources"]
    targets = _async_targets(res)
    assert targets == {"ApprovalGuardFunction", "GateEventsFunction"}
    # A failed wake-up of waiting gates only delays them: the re-check schedule and each gate's polling path decide
    # them anyway (docs/gate.md), so gate-events has retries and the schedule instead of a failure queue.
    assert res["RamStateChangeRule"]["Properties"]["Targets"][0]["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert res["GateRecheckSchedule"]["Properties"]["Target"]["Arn"] == {"Fn::GetAtt": ["GateEventsFunction", "Arn"]}
    for function in targets - {"GateEventsFunction"}:
        configs = [
            r["Properties"]
            for r in res.values()
            if r["Type"] == "AWS::Lambda::EventInvokeConfig" and r["Properties"]["FunctionName"] == {"Ref": function}
        ]
        assert len(configs) == 1, f"{function}: no EventInvokeConfig"
        destination = configs[0]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"]
        queue = destination[0]
        assert destination == [queue, "Arn"] and res[queue]["Type"] == "AWS::SQS::Queue"
        _queue_alarm(res, queue)
        role = res[function]["Properties"]["Role"]["Fn::GetAtt"][0]
        grants = [s for s in _statements(template) if s[0] == role and s[1]["Action"] == ["sqs:SendMessage"]]
        assert [g[1]["Resource"] for g in grants] == [{"Fn::GetAtt": [queue, "Arn"]}], (
            "Lambda sends to the destination with the role"
        )
    rule_target = res["ModelPackageStateChangeRule"]["Properties"]["Targets"][0]
    assert rule_target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["ApprovalGuardFailureQueue", "Arn"]}}
    (statement,) = res["ApprovalGuardFailureQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"] == {
        "ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["ModelPackageStateChangeRule", "Arn"]}}
    }


def test_the_gate_queue_dead_letters_have_an_alarm(template: dict[str, Any]) -> None:
    res = template["Resources"]
    redrive = res["GateCallbackQueue"]["Properties"]["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": ["GateCallbackDeadLetterQueue", "Arn"]}
    _queue_alarm(res, "GateCallbackDeadLetterQueue")


def _ram_statements(template: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [st for owner, st in _statements(template) if action in _as_list(st["Action"])]


def test_shares_are_created_and_changed_only_for_model_cards_tagged_as_ours(template: dict[str, Any]) -> None:
    from mcgov.steps.share.naming import MANAGED_BY, TAG_MANAGED_BY

    (create,) = _ram_statements(template, "ram:CreateResourceShare")
    assert create["Condition"] == {
        "StringEquals": {
            "ram:RequestedResourceType": "sagemaker:ModelCard",
            f"aws:RequestTag/{TAG_MANAGED_BY}": MANAGED_BY,
        }
    }
    (tag,) = _ram_statements(template, "ram:TagResource")
    assert tag["Condition"] == {"StringEquals": {f"aws:RequestTag/{TAG_MANAGED_BY}": MANAGED_BY}}
    associate = _ram_statements(template, "ram:AssociateResourceShare")
    assert [st["Condition"] for st in associate] == [
        {
            "StringEquals": {
                "ram:RequestedResourceType": "sagemaker:ModelCard",
                f"aws:ResourceTag/{TAG_MANAGED_BY}": MANAGED_BY,
            }
        },
        {"Null": {"ram:Principal": "false"}, "StringEquals": {f"aws:ResourceTag/{TAG_MANAGED_BY}": MANAGED_BY}},
    ]
    for action in (
        "ram:UpdateResourceShare",
        "ram:DisassociateResourceShare",
        "ram:DeleteResourceShare",
        "ram:AssociateResourceSharePermission",
    ):
        for st in _ram_statements(template, action):
            assert st["Condition"]["StringEquals"][f"aws:ResourceTag/{TAG_MANAGED_BY}"] == MANAGED_BY, action
    text = TEMPLATE.read_text()
    assert "IfExists" not in text, "a ...IfExists condition passes when the key is absent (no resource named)"


def test_kms_statements_exist_only_with_a_key_and_only_through_sagemaker(template: dict[str, Any]) -> None:
    assert template["Conditions"]["HasKmsKey"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "KmsKeyArn"}, ""]}]}
    found = {}
    for name, st in _raw_statements(template):
        plain = st.get("Fn::If", [None, st])[1]
        if plain.get("Sid") == "VerifyApprovalSignatures":  # the approval signing key (test_approval_signing_key)
            continue
        if any(a.startswith("kms:") for a in _as_list(plain.get("Action", []))):
            assert st["Fn::If"][0] == "HasKmsKey" and st["Fn::If"][2] == {"Ref": "AWS::NoValue"}, name
            assert plain["Resource"] == {"Ref": "KmsKeyArn"}
            assert plain["Condition"]["StringEquals"] == {
                "kms:ViaService": {"Fn::Sub": "sagemaker.${AWS::Region}.amazonaws.com"}
            }
            assert plain["Condition"]["StringLike"] == {
                "kms:EncryptionContext:aws:sagemaker:model-card-arn": {
                    "Fn::Sub": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-card/*"
                }
            }
            found[name] = sorted(plain["Action"])
    assert found == {"PopulateCardRole": ["kms:Decrypt", "kms:GenerateDataKey"], "GateReaderPolicy": ["kms:Decrypt"]}


def test_the_kms_key_parameter_accepts_what_the_cli_accepts() -> None:
    import re

    from cfnlint.decode import decode

    from mcgov.identifiers import KMS_KEY_ARN

    decoded, _ = decode(str(TEMPLATE))
    pattern = re.compile(decoded["Parameters"]["KmsKeyArn"]["AllowedPattern"], re.ASCII)
    key = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    for value in (
        key,
        key.replace("1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-" + "0" * 32),
        key.replace("arn:aws:", "arn:aws-cn:").replace("us-east-1", "cn-north-1"),
        key.replace("key/", "alias/"),
        key + "\n",
        key.upper(),
        "arn:aws:kms:us-east-1:1111:key/x",
    ):
        # AllowedPattern "must match the entire parameter value" (CloudFormation Parameters page): fullmatch.
        assert bool(pattern.fullmatch(value)) is bool(KMS_KEY_ARN.fullmatch(value)), value
    assert pattern.fullmatch("") and not KMS_KEY_ARN.fullmatch("")  # empty: no key, no KMS statement


def test_every_lambda_role_is_denied_writing_the_approval_record(template: dict[str, Any]) -> None:
    res = template["Resources"]
    deny = res["DenyApprovalRecordTags"]["Properties"]
    assert deny["PolicyDocument"]["Statement"] == [
        {
            "Sid": "NoApprovalRecordTags",
            "Effect": "Deny",
            "Action": ["sagemaker:AddTags", "sagemaker:CreateModelCard", "sagemaker:CreateModelPackage"],
            "Resource": "*",
            "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": ["mcgov:approval:*"]}},
        }
    ]
    lambda_roles = {
        name
        for name, r in res.items()
        if r["Type"] == "AWS::IAM::Role"
        and r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
        == {"Service": "lambda.amazonaws.com"}
    }
    attached = {ref["Ref"] for ref in deny["Roles"]} | {
        name
        for name in lambda_roles
        if {"Ref": "DenyApprovalRecordTags"} in res[name]["Properties"].get("ManagedPolicyArns", [])
    }
    assert lambda_roles and attached == lambda_roles


def test_only_the_approver_roles_may_sign_with_the_approval_key(template: dict[str, Any]) -> None:
    res = template["Resources"]
    key = res["ApprovalSigningKey"]
    assert key["Condition"] == "SignApprovals"
    assert (key["Properties"]["KeySpec"], key["Properties"]["KeyUsage"]) == ("ECC_NIST_P256", "SIGN_VERIFY")
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    signers = [
        st for st in statements if "kms:Sign" in _as_list(st["Action"]) or "kms:CreateGrant" in _as_list(st["Action"])
    ]
    assert signers == [
        {
            "Sid": "OnlyApproversSign",
            "Effect": "Allow",
            "Principal": {"AWS": {"Ref": "ApproverRoleArns"}},
            "Action": ["kms:Sign"],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:SigningAlgorithm": "ECDSA_SHA_256", "kms:MessageType": "RAW"}},
        }
    ]
    assert all("*" not in a for st in statements for a in _as_list(st["Action"]))  # no kms:* to the account root
    verify = [
        st["Fn::If"]
        for _, st in _raw_statements(template)
        if "Fn::If" in st and st["Fn::If"][1].get("Sid") == "VerifyApprovalSignatures"
    ]
    assert verify == [
        [
            "SignApprovals",
            {
                "Sid": "VerifyApprovalSignatures",
                "Effect": "Allow",
                "Action": ["kms:Verify"],
                "Resource": {"Fn::GetAtt": ["ApprovalSigningKey", "Arn"]},
            },
            {"Ref": "AWS::NoValue"},
        ]
    ]
    assert template["Outputs"]["ApprovalSigningKeyArn"]["Condition"] == "SignApprovals"
