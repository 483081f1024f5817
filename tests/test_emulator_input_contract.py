"""Every operation the product calls: the emulator takes the valid call and refuses each broken constraint.

``PRODUCT_CALLS`` holds one valid input per (service, operation) the product calls; ``test_table_covers_the_product``
keeps it complete by scanning ``steps/``, ``share_policies/`` and ``pipelines/`` for boto3 calls (method calls,
operation names passed as strings, paginators). For each operation, every constrained member of the input shape
(top-level ones, and nested ones present in the valid call) is sent once with a value breaking one constraint
(required, enum, length, range, pattern), through a client whose own parameter validation is off, as a
non-boto3 caller would send it; the emulator must answer as AWS does: ValidationException (ValidationError for
the query protocol) naming the member and the constraint.
"""

from __future__ import annotations

import ast
import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import Shape

from mcgov.emulator import Emulator
from mcgov.emulator.inputs.javaregex import compile_java

ROOT = Path(__file__).resolve().parents[1]
PRODUCT_DIRS = ("steps", "share_policies", "pipelines")
ACCOUNT = "111111111111"
CARD_ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-card/churn"
PACKAGE_ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package/churn/1"
SHARE_ARN = f"arn:aws:ram:us-east-1:{ACCOUNT}:resource-share/0a1b2c3d-4e5f-4a5b-8c9d-0e1f2a3b4c5d"
INVITATION_ARN = f"arn:aws:ram:us-east-1:{ACCOUNT}:resource-share-invitation/0a1b2c3d-4e5f-4a5b-8c9d-0e1f2a3b4c5d"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/mcgov-test"
MACHINE_ARN = f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:mcgov"
EXECUTION_ARN = f"arn:aws:states:us-east-1:{ACCOUNT}:execution:mcgov:run-1"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CONTENT = json.dumps({"model_overview": {"model_description": "churn"}})
TRUST = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}]}
)

PRODUCT_CALLS: dict[str, dict[str, dict[str, Any]]] = {
    "sagemaker": {
        "AddTags": {"ResourceArn": CARD_ARN, "Tags": [{"Key": "mcgov:approved-version", "Value": "1"}]},
        "CreateModelCard": {"ModelCardName": "churn", "Content": CONTENT, "ModelCardStatus": "Draft"},
        "CreateModelCardExportJob": {
            "ModelCardName": "churn",
            "ModelCardVersion": 1,
            "ModelCardExportJobName": "churn-export",
            "OutputConfig": {"S3OutputPath": "s3://bucket/exports"},
        },
        "DeleteModelCard": {"ModelCardName": "churn"},
        "DeleteTags": {"ResourceArn": CARD_ARN, "TagKeys": ["mcgov:approved-version"]},
        "DescribeModelCard": {"ModelCardName": CARD_ARN, "ModelCardVersion": 1},
        "DescribeModelCardExportJob": {"ModelCardExportJobArn": f"{CARD_ARN}/export-job/churn-export"},
        "DescribeModelPackage": {"ModelPackageName": PACKAGE_ARN},
        "DescribeModelPackageGroup": {"ModelPackageGroupName": "churn"},
        "DescribeTrainingJob": {"TrainingJobName": "churn-train"},
        "ListModelCardVersions": {"ModelCardName": "churn", "MaxResults": 10, "SortBy": "Version"},
        "ListModelCards": {"NameContains": "churn", "MaxResults": 100, "SortBy": "Name", "SortOrder": "Ascending"},
        "ListModelPackages": {"ModelPackageGroupName": "churn", "MaxResults": 100, "SortBy": "CreationTime"},
        "ListTags": {"ResourceArn": CARD_ARN, "MaxResults": 50},
        "Search": {
            "Resource": "TrainingJob",
            "SearchExpression": {"Filters": [{"Name": "TrainingJobName", "Operator": "Equals", "Value": "churn"}]},
            "MaxResults": 10,
        },
        "SendPipelineExecutionStepFailure": {"CallbackToken": "abcdef1234", "FailureReason": "blocked"},
        "SendPipelineExecutionStepSuccess": {
            "CallbackToken": "abcdef1234",
            "OutputParameters": [{"Name": "gate", "Value": "allowed"}],
        },
        "UpdateModelCard": {"ModelCardName": CARD_ARN, "ModelCardStatus": "PendingReview"},
        "UpdateModelPackage": {"ModelPackageArn": PACKAGE_ARN, "ModelApprovalStatus": "Approved"},
    },
    "ram": {
        "AcceptResourceShareInvitation": {"resourceShareInvitationArn": INVITATION_ARN, "clientToken": "invite-1"},
        "AssociateResourceShare": {"resourceShareArn": SHARE_ARN, "principals": ["222222222222"]},
        "CreatePermission": {
            "name": "mcgov-read",
            "resourceType": "sagemaker:ModelCard",
            "policyTemplate": json.dumps({"Effect": "Allow", "Action": ["sagemaker:DescribeModelCard"]}),
        },
        "CreateResourceShare": {"name": "mcgov-churn", "resourceArns": [CARD_ARN], "allowExternalPrincipals": False},
        "DeleteResourceShare": {"resourceShareArn": SHARE_ARN},
        "DisassociateResourceShare": {"resourceShareArn": SHARE_ARN, "principals": ["222222222222"]},
        "GetResourceShareAssociations": {"associationType": "PRINCIPAL", "maxResults": 100},
        "GetResourceShareInvitations": {"maxResults": 100},
        "GetResourceShares": {"resourceOwner": "SELF", "resourceShareStatus": "ACTIVE", "maxResults": 100},
        "ListPendingInvitationResources": {"resourceShareInvitationArn": INVITATION_ARN, "maxResults": 100},
        "ListPermissions": {"resourceType": "sagemaker:ModelCard", "maxResults": 100},
        "ListResourceSharePermissions": {"resourceShareArn": SHARE_ARN, "maxResults": 100},
        "ListResources": {"resourceOwner": "OTHER-ACCOUNTS", "resourceType": "sagemaker:ModelCard"},
        "UpdateResourceShare": {"resourceShareArn": SHARE_ARN, "allowExternalPrincipals": False},
    },
    "sts": {
        "AssumeRole": {"RoleArn": ROLE_ARN, "RoleSessionName": "mcgov-gate"},
        "GetCallerIdentity": {},
    },
    "lambda": {
        "CreateFunction": {
            "FunctionName": "mcgov-populate",
            "Runtime": "python3.12",
            "Role": ROLE_ARN,
            "Handler": "index.handler",
            "Code": {"ZipFile": b"PK"},
            "Timeout": 120,
        },
        "GetFunctionConfiguration": {"FunctionName": "mcgov-check-gate"},
    },
    "iam": {"CreateRole": {"RoleName": "mcgov-test", "AssumeRolePolicyDocument": TRUST, "Path": "/"}},
    "kms": {
        "Sign": {"KeyId": KEY_ARN, "Message": b"record", "MessageType": "RAW", "SigningAlgorithm": "ECDSA_SHA_256"},
        "Verify": {
            "KeyId": KEY_ARN,
            "Message": b"record",
            "MessageType": "RAW",
            "Signature": b"0" * 70,
            "SigningAlgorithm": "ECDSA_SHA_256",
        },
    },
    "stepfunctions": {
        "CreateStateMachine": {"name": "mcgov", "definition": "{}", "roleArn": ROLE_ARN, "type": "STANDARD"},
        "DescribeExecution": {"executionArn": EXECUTION_ARN},
        "GetExecutionHistory": {"executionArn": EXECUTION_ARN, "maxResults": 100},
        "SendTaskFailure": {"taskToken": "token-1", "error": "GateBlocked", "cause": "blocked"},
        "SendTaskSuccess": {"taskToken": "token-1", "output": "{}"},
        "StartExecution": {"stateMachineArn": MACHINE_ARN, "name": "run-1", "input": "{}"},
    },
    "dynamodb": {
        "DeleteItem": {"TableName": "gates", "Key": {"share_arn": {"S": SHARE_ARN}, "gate_id": {"S": "g"}}},
        "PutItem": {"TableName": "gates", "Item": {"share_arn": {"S": SHARE_ARN}, "gate_id": {"S": "g"}}},
        "Query": {
            "TableName": "gates",
            "KeyConditionExpression": "share_arn = :share",
            "ExpressionAttributeValues": {":share": {"S": SHARE_ARN}},
        },
        "Scan": {"TableName": "gates"},
    },
    "sqs": {
        "ChangeMessageVisibility": {
            "QueueUrl": "https://sqs.us-east-1.amazonaws.com/111111111111/gates",
            "ReceiptHandle": "receipt",
            "VisibilityTimeout": 5,
        },
    },
}
# S3 (rest-xml) is not checked by the input rules (docs/emulator.md, "API input rules"): S3 answers per-member
# error codes, not the generic validation; the product only reads and writes objects.
UNCHECKED = {"s3": {"GetObject", "PutObject", "CreateBucket"}}
CONSTRAINT_WORDS = {
    "required": "Member must not be null",
    "enum": "Member must satisfy enum value set",
    "max_length": "Member must have length less than or equal to",
    "min_length": "Member must have length greater than or equal to",
    "max_value": "Member must have value less than or equal to",
    "min_value": "Member must have value greater than or equal to",
    "pattern": "Member must satisfy regular expression pattern",
}
PATTERN_BREAKERS = ["a b", "a\n", "!", "-", "\u00e9", "..", "{}", "a" * 3 + "\u2028", "_", "0", "a", "::", "/x"]


def service_model(service: str) -> Any:
    return botocore.session.get_session().get_service_model(service)


def discovered_calls() -> set[str]:
    """Operation names (PascalCase) the product's code calls, from method calls, strings and paginators."""
    services = list(PRODUCT_CALLS) + list(UNCHECKED)
    pascal = {op for s in services for op in service_model(s).operation_names}
    snake = {xform_name(op): op for op in pascal}
    found: set[str] = set()
    for folder in PRODUCT_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in snake:
                    found.add(snake[node.func.attr])
                elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if node.value in snake:
                        found.add(snake[node.value])
                    elif node.value in pascal:
                        found.add(node.value)
    return found


def test_table_covers_the_product() -> None:
    covered = {op for ops in PRODUCT_CALLS.values() for op in ops} | {op for ops in UNCHECKED.values() for op in ops}
    missing = discovered_calls() - covered
    assert not missing, f"add a valid call to PRODUCT_CALLS for: {sorted(missing)}"


def test_unchecked_services_are_only_s3() -> None:
    from mcgov.emulator.inputs.enforce import CHECKED_PROTOCOLS

    assert {s: service_model(s).protocol for s in UNCHECKED} == {"s3": "rest-xml"}
    assert all(service_model(s).protocol in CHECKED_PROTOCOLS for s in PRODUCT_CALLS)


def bad_values(shape: Shape, valid: Any) -> Iterator[tuple[str, Any]]:
    """(constraint, value) pairs breaking exactly one kind of constraint of ``shape``."""
    kind, meta = shape.type_name, shape.metadata
    low, high = meta.get("min"), meta.get("max")
    enum = getattr(shape, "enum", None) if kind == "string" else None
    if enum:
        yield "enum", "NOT_A_VALUE"
    if kind == "string":
        pattern = meta.get("pattern")
        if high is not None and high <= 4096:
            yield "max_length", (valid if isinstance(valid, str) and valid else "a") * (int(high) + 1)
        if low:
            yield "min_length", ""
        if pattern:
            fits = [
                v
                for v in PATTERN_BREAKERS
                if not compile_java(pattern).fullmatch(v) and (low or 0) <= len(v) <= (high or len(v))
            ]
            if fits:
                yield "pattern", fits[0]
    elif kind in ("integer", "long"):
        if low is not None:
            yield "min_value", int(low) - 1
        if high is not None and high < 2**62:
            yield "max_value", int(high) + 1
    elif kind == "list":
        if high is not None and high <= 1000 and isinstance(valid, list) and valid:
            yield "max_length", [valid[0]] * (int(high) + 1)
        if low:
            yield "min_length", []


def cases() -> Iterator[tuple[str, str, dict[str, Any], str, str]]:
    """(service, operation, kwargs, member path, constraint) for every constraint of every product call."""
    for service, operations in PRODUCT_CALLS.items():
        model = service_model(service)
        for operation, valid in operations.items():
            shape = model.operation_model(operation).input_shape
            if shape is None:
                continue
            yield from _structure_cases(service, operation, valid, shape, valid, [], "")


def _structure_cases(
    service: str, operation: str, root: dict[str, Any], shape: Shape, value: dict[str, Any], keys: list[Any], path: str
) -> Iterator[tuple[str, str, dict[str, Any], str, str]]:
    for name, member in shape.members.items():
        if member.serialization.get("location") == "uri":
            continue  # an empty or broken URI label changes the route, not the member
        member_path = f"{path}.{name[:1].lower()}{name[1:]}" if path else f"{name[:1].lower()}{name[1:]}"
        if name in shape.required_members:
            yield service, operation, _replace(root, [*keys, name], None), member_path, "required"
        current = value.get(name)
        for constraint, bad in bad_values(member, current):
            yield service, operation, _replace(root, [*keys, name], bad), member_path, constraint
        if member.type_name == "structure" and isinstance(current, dict):
            yield from _structure_cases(service, operation, root, member, current, [*keys, name], member_path)
        elif member.type_name == "list" and isinstance(current, list) and current:
            item = member.member
            item_path = f"{member_path}.1.member"
            if item.type_name == "structure" and isinstance(current[0], dict):
                yield from _structure_cases(service, operation, root, item, current[0], [*keys, name, 0], item_path)
            else:
                for constraint, bad in bad_values(item, current[0]):
                    yield service, operation, _replace(root, [*keys, name, 0], bad), item_path, constraint


def _replace(root: dict[str, Any], keys: list[Any], value: Any) -> dict[str, Any]:
    """A deep copy of ``root`` with the value at ``keys`` replaced (None: removed)."""
    out = copy.deepcopy(root)
    target: Any = out
    for key in keys[:-1]:
        target = target[key]
    if value is None:
        if isinstance(target, dict):
            target.pop(keys[-1], None)
    else:
        target[keys[-1]] = value
    return out


CASES = list(cases())


@pytest.fixture(scope="module")
def clients() -> Iterator[dict[str, Any]]:
    with Emulator():
        config = Config(parameter_validation=False, retries={"max_attempts": 1})
        yield {service: boto3.client(service, region_name="us-east-1", config=config) for service in PRODUCT_CALLS}


def call(clients: dict[str, Any], service: str, operation: str, kwargs: dict[str, Any]) -> dict[str, str] | None:
    """The error of the call (None when it succeeded)."""
    try:
        getattr(clients[service], xform_name(operation))(**kwargs)
    except ClientError as exc:
        return exc.response["Error"]
    return None


@pytest.mark.parametrize(
    ("service", "operation"), [(s, o) for s, ops in PRODUCT_CALLS.items() for o in ops], ids=lambda v: v
)
def test_valid_call_passes_the_input_rules(clients: dict[str, Any], service: str, operation: str) -> None:
    error = call(clients, service, operation, PRODUCT_CALLS[service][operation])
    if error is not None:  # resources need not exist: only the input rules are under test
        assert "validation error" not in error.get("Message", "").lower()
        assert error.get("Code") != "SerializationException"


def test_every_operation_has_constraint_cases() -> None:
    assert {(s, o) for s, o, *_ in CASES} == {(s, o) for s, ops in PRODUCT_CALLS.items() for o in ops if ops[o]}
    assert len(CASES) > 150


def refusal_problem(
    clients: dict[str, Any], service: str, operation: str, kwargs: dict[str, Any], path: str, constraint: str
) -> str | None:
    """What is wrong with the emulator's answer to one broken call (None: refused as AWS refuses it)."""
    error = call(clients, service, operation, kwargs)
    if error is None:
        return "accepted a value AWS refuses"
    expected_code = "ValidationError" if service_model(service).protocol == "query" else "ValidationException"
    expected = f"at '{path}' failed to satisfy constraint: {CONSTRAINT_WORDS[constraint]}"
    if error.get("Code") != expected_code or expected not in error.get("Message", ""):
        return f"answered {error.get('Code')}: {error.get('Message')}"
    return None


@pytest.mark.parametrize(("service", "operation"), sorted({(s, o) for s, o, *_ in CASES}), ids=lambda v: v)
def test_each_broken_constraint_is_refused_as_aws_does(clients: dict[str, Any], service: str, operation: str) -> None:
    problems = [
        f"{path} ({constraint}): {problem}"
        for s, o, kwargs, path, constraint in CASES
        if (s, o) == (service, operation)
        and (problem := refusal_problem(clients, s, o, kwargs, path, constraint)) is not None
    ]
    assert not problems, "\n".join(problems)


def test_list_model_cards_name_contains_with_trailing_hyphen_fails_as_in_aws(clients: dict[str, Any]) -> None:
    error = call(clients, "sagemaker", "ListModelCards", {"NameContains": "111111111111-"})
    assert error == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value '111111111111-' at 'nameContains' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        + service_model("sagemaker")
        .operation_model("ListModelCards")
        .input_shape.members["NameContains"]
        .metadata["pattern"],
    }


@pytest.mark.parametrize(
    ("service", "operation", "kwargs", "code", "text"),
    [
        ("sagemaker", "ListModelCards", {"MaxResults": "ten"}, "SerializationException", "STRING_VALUE cannot be"),
        ("sagemaker", "ListModelCards", {"NameContains": {"a": 1}}, "SerializationException", "Start of structure"),
        ("sagemaker", "ListModelCards", {"NameContains": ["a"]}, "SerializationException", "Start of list"),
        ("ram", "GetResourceShares", {"resourceOwner": "SELF", "maxResults": "x"}, "SerializationException", ""),
        ("lambda", "ListFunctions", {"MaxItems": "x"}, "SerializationException", "'maxItems' as a number"),
        ("iam", "ListRoles", {"MaxItems": "x"}, "ValidationError", "'maxItems' as a number"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(
    clients: dict[str, Any], service: str, operation: str, kwargs: dict[str, Any], code: str, text: str
) -> None:
    client = clients.get(service) or boto3.client(
        service, region_name="us-east-1", config=Config(parameter_validation=False)
    )
    with pytest.raises(ClientError) as exc:
        getattr(client, xform_name(operation))(**kwargs)
    assert exc.value.response["Error"]["Code"] == code
    assert text in exc.value.response["Error"]["Message"]
