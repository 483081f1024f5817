"""No wildcard actions and scoped resources in every policy document the project generates or ships."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from mcgov.emulator.iam.reference import resource_types
from mcgov.share_policies.iam import (
    consumer_iam_policy,
    kms_key_policy_statement,
    readonly_permission_template,
)
from mcgov.steps.policy import load_policy
from mcgov.steps.stack.template import TEMPLATE
from tests.conftest import REPO

EXAMPLE = REPO / "share_policies" / "example.yaml"


def unscopable(action: str) -> bool:
    """An action the IAM reference gives no resource type (Service Authorization Reference): only "*" grants it."""
    return resource_types(action) == [""]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def wildcard_problems(statement: dict[str, Any], where: str, *, key_policy: bool = False) -> list[str]:
    """Wildcard actions, NotAction, or unscoped resources in one IAM statement."""
    problems: list[str] = []
    if "NotAction" in statement or "NotResource" in statement:
        problems.append(f"{where}: NotAction/NotResource grants everything else")
    actions = [a for a in _as_list(statement.get("Action", [])) if isinstance(a, str)]
    for action in actions:
        if "*" in action or "?" in action:
            problems.append(f"{where}: wildcard action {action!r}")
    if statement.get("Effect") == "Allow" and not key_policy and "Principal" not in statement:
        for resource in _as_list(statement.get("Resource", [])):
            if resource == "*" and not all(unscopable(a) for a in actions):
                problems.append(f"{where}: Resource '*' for {sorted(a for a in actions if not unscopable(a))}")
    return problems


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node, deep=True)}
    return {suffix: loader.construct_mapping(node, deep=True)}


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that keeps CloudFormation short-form tags (!Sub, !Ref, ...) as {tag: value}."""


_CfnLoader.add_multi_constructor("!", _any_tag)


def cfn_statements(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, statement) of every IAM policy statement in a CloudFormation template."""
    template = yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    for name, resource in (template.get("Resources") or {}).items():
        kind, props = resource.get("Type"), resource.get("Properties") or {}
        documents: list[tuple[str, Any]] = []
        if kind == "AWS::IAM::Role":
            documents += [
                (f"{name}.Policies.{p.get('PolicyName')}", p.get("PolicyDocument")) for p in props.get("Policies", [])
            ]
        elif kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            documents.append((name, props.get("PolicyDocument")))
        for where, document in documents:
            for index, statement in enumerate(_as_list((document or {}).get("Statement", []))):
                yield f"{path.name}:{where}[{index}]", statement


def test_generated_documents_have_no_wildcards_for_every_stage() -> None:
    policy = load_policy(EXAMPLE)
    card = policy.card_arn("churn-model")
    problems: list[str] = []
    checked = 0
    for stage in policy.stages:
        for index, statement in enumerate(consumer_iam_policy(policy, card, policy.stage(stage))["Statement"]):
            problems += wildcard_problems(statement, f"consumer_iam_policy[{stage}][{index}]")
            assert all(card in r for r in _as_list(statement["Resource"]) if "s3" not in r), statement
            checked += 1
        kms = kms_key_policy_statement(policy, policy.stage(stage), card)
        problems += wildcard_problems(kms, f"kms[{stage}]", key_policy=True)
        assert kms["Principal"]["AWS"] == [f"arn:aws:iam::{a}:root" for a in policy.stage(stage).accounts]
        assert kms["Condition"]["StringEquals"]["kms:ViaService"] == [
            f"sagemaker.{policy.region}.amazonaws.com",
            f"s3.{policy.region}.amazonaws.com",
        ]
        assert kms["Condition"]["StringEquals"]["kms:EncryptionContext:aws:sagemaker:model-card-arn"] == card
        checked += 1
    permission = readonly_permission_template()["Resources"]["ModelCardReadOnlyPermission"]["Properties"]
    problems += wildcard_problems(permission["PolicyTemplate"], "readonly_permission_template")
    assert permission["PolicyTemplate"]["Action"] == ["sagemaker:DescribeModelCard", "sagemaker:ListModelCardVersions"]
    assert problems == []
    assert checked >= 2 * len(policy.stages)


def test_the_checker_catches_wildcards() -> None:
    assert wildcard_problems({"Effect": "Allow", "Action": "*", "Resource": "arn:x"}, "s")
    assert wildcard_problems({"Effect": "Allow", "Action": ["sagemaker:*"], "Resource": "arn:x"}, "s")
    assert wildcard_problems({"Effect": "Allow", "Action": ["sagemaker:Describe*"], "Resource": "arn:x"}, "s")
    assert wildcard_problems({"Effect": "Allow", "Action": ["sagemaker:DescribeModelCard"], "Resource": "*"}, "s")
    assert wildcard_problems({"Effect": "Allow", "NotAction": ["iam:PassRole"], "Resource": "arn:x"}, "s")
    assert not wildcard_problems({"Effect": "Allow", "Action": ["ram:GetResourceShares"], "Resource": "*"}, "s")


def test_cloudformation_roles_have_no_wildcard_actions_and_scoped_resources() -> None:
    templates = [TEMPLATE]  # the stack template, package data of mcgov.steps.stack
    statements = [item for path in templates for item in cfn_statements(path)]
    assert statements, "the templates define no IAM policy statements"
    problems = [p for where, statement in statements for p in wildcard_problems(statement, where)]
    assert problems == []
