"""Helpers shared by the pipeline/workflow/cfn tests (only these import ``pipelines.*``), and their own tests."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def offline(region: str = "eu-west-1") -> Iterator[pytest.MonkeyPatch]:
    """No AWS credentials/profile, a fake region, and any socket connection raising."""
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith("AWS_")]:
            mp.delenv(key, raising=False)
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(REPO / "nonexistent-credentials"))
        mp.setenv("AWS_CONFIG_FILE", str(REPO / "nonexistent-config"))
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        mp.setenv("AWS_DEFAULT_REGION", region)

        def _no_network(self: socket.socket, *args: Any, **kwargs: Any) -> None:
            raise AssertionError(f"network access attempted while rendering offline: {args}")

        mp.setattr(socket.socket, "connect", _no_network)
        yield mp


@cache
def _churn_text(kwargs: str) -> str:
    with offline():
        from mcgov.pipelines.churn.pipeline import get_pipeline

        return get_pipeline(**json.loads(kwargs)).definition()


def churn_definition(**kwargs: Any) -> dict[str, Any]:
    """The churn example's definition for ``get_pipeline(**kwargs)``, rendered offline once per test session.

    The SDK validates its whole config schema on every config lookup: a render takes about 10 s, so tests share them.
    """
    return json.loads(_churn_text(json.dumps(kwargs, sort_keys=True)))


def walk(node: Any) -> Iterator[Any]:
    """Every dict and list nested in ``node`` (including itself)."""
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def all_steps(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Top-level steps plus the steps nested in ConditionStep branches."""
    found: list[dict[str, Any]] = []

    def visit(steps: list[dict[str, Any]]) -> None:
        for step in steps:
            found.append(step)
            if step["Type"] == "Condition":
                visit(step["Arguments"].get("IfSteps", []))
                visit(step["Arguments"].get("ElseSteps", []))

    visit(definition["Steps"])
    return found


def step_refs(step: dict[str, Any]) -> set[str]:
    """Names of the steps a step reads (``{"Get": "Steps.<name>..."}``) or lists in DependsOn.

    ConditionStep branches are excluded: they are steps of their own.
    """
    body = {k: v for k, v in step.items() if k not in ("Name",)}
    if step["Type"] == "Condition":
        body = {"Conditions": step["Arguments"]["Conditions"], "DependsOn": step.get("DependsOn", [])}
    refs = set(step.get("DependsOn", []))
    for node in walk(body):
        if isinstance(node, dict) and isinstance(node.get("Get"), str) and node["Get"].startswith("Steps."):
            refs.add(node["Get"].split(".")[1])
    return refs


def test_offline_removes_credentials_and_blocks_network() -> None:
    import boto3

    with offline("ap-south-1"):
        assert boto3.Session().get_credentials() is None
        assert boto3.Session().region_name == "ap-south-1"
        with pytest.raises(AssertionError, match="network access"):
            socket.create_connection(("127.0.0.1", 9))


def test_step_refs_reads_gets_and_depends_on_but_not_branches() -> None:
    step = {
        "Name": "C",
        "Type": "Condition",
        "DependsOn": ["A"],
        "Arguments": {
            "Conditions": [{"LeftValue": {"Get": "Steps.B.OutputParameters['x']"}}],
            "IfSteps": [{"Name": "D", "Type": "Lambda", "Arguments": {"y": {"Get": "Steps.E.Z"}}}],
            "ElseSteps": [],
        },
    }
    assert step_refs(step) == {"A", "B"}
    assert [s["Name"] for s in all_steps({"Steps": [step]})] == ["C", "D"]
