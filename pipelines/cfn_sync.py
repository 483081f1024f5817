"""The CloudFormation side of the workflows: keep the stack template (``mcgov.steps.stack.template.TEMPLATE``, package
data: ``steps/stack/governance.yaml``) equal to its sources, and build
the stand-alone state-machine template.

The governance state machine equals the shipped ASL (``mcgov.steps.workflow.definition.governance_definition()``) and
the hub state machine (``DeployHub``) ``hub_definition()``: the ``Definition:`` line of each resource of
``GENERATED_DEFINITIONS``; no SDK is needed. The
``PythonRuntime`` parameter's default equals the
Lambda runtime named in ``lambda-runtime.txt`` (the one runtime the package is built for).
``python -m mcgov.pipelines.cfn_sync`` rewrites the ``Definition:`` and runtime ``Default:`` lines in place (one-line
JSON, valid YAML); ``python -m mcgov.pipelines.cfn_sync --check`` exits 1 when the template is stale. Also writes the
stand-alone state-machine template ``cloudformation/state-machine.json`` (functions deployed elsewhere).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mcgov.steps.stack.template import TEMPLATE
from mcgov.steps.workflow.definition import (
    ROLE_SUBSTITUTIONS,
    WorkflowSettings,
    governance_definition,
    hub_definition,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
GOVERNANCE_TEMPLATE = TEMPLATE
STATE_MACHINE_TEMPLATE = REPO_ROOT / "cloudformation" / "state-machine.json"
LAMBDA_RUNTIME_FILE = REPO_ROOT / "lambda-runtime.txt"
_DEFINITION_LINE = re.compile(r"^(?P<indent>\s+)Definition: .*$", re.MULTILINE)
# A resource (two-space key) and its ``Definition:`` line, within the resource's (four-space and deeper) lines.
_RESOURCE_DEFINITION = re.compile(
    r"^  (?P<resource>[A-Za-z0-9]+):\n(?P<body>(?:    .*\n)*?)(?P<indent>    +)Definition: .*$", re.MULTILINE
)
GENERATED_DEFINITIONS: dict[str, Callable[[], dict[str, Any]]] = {
    "GovernanceStateMachine": governance_definition,
    "HubStateMachine": hub_definition,
}
_RUNTIME_DEFAULT = re.compile(r"^(?P<head>  PythonRuntime:\n(?:    .*\n)*?    Default: ).*$", re.MULTILINE)


def lambda_runtime() -> str:
    """The Lambda runtime (``python3.12``) named in ``lambda-runtime.txt``."""
    return LAMBDA_RUNTIME_FILE.read_text().strip()


def render_governance(text: str, runtime: str | None = None) -> str:
    """``text`` with each generated ``Definition:`` line replaced by the current ASL (substitution variables) and the
    ``PythonRuntime`` default set to ``runtime`` (default: ``lambda-runtime.txt``)."""
    lines = len(_DEFINITION_LINE.findall(text))
    found = [m.group("resource") for m in _RESOURCE_DEFINITION.finditer(text)]
    if lines != len(GENERATED_DEFINITIONS) or sorted(found) != sorted(GENERATED_DEFINITIONS):
        raise ValueError(
            f"expected one 'Definition:' line in each of {', '.join(GENERATED_DEFINITIONS)} (found {lines} "
            f"line(s), in {', '.join(found) or 'none'}); restore it as '      Definition: {{}}'."
        )
    if len(_RUNTIME_DEFAULT.findall(text)) != 1:
        raise ValueError("expected one 'PythonRuntime' parameter with a 'Default:' line in the template.")
    text = _RUNTIME_DEFAULT.sub(lambda m: f"{m.group('head')}{runtime or lambda_runtime()}", text)

    def definition(match: re.Match[str]) -> str:
        asl = json.dumps(GENERATED_DEFINITIONS[match.group("resource")](), sort_keys=True, separators=(", ", ": "))
        return f"{match.group(0)[: match.start('indent') - match.start()]}{match.group('indent')}Definition: {asl}"

    return _RESOURCE_DEFINITION.sub(definition, text)


def state_machine_resource(role_arn: Any, settings: WorkflowSettings | None = None, name: Any = None) -> dict[str, Any]:
    """``AWS::StepFunctions::StateMachine`` resource using the ASL with ``DefinitionSubstitutions`` from Fn::GetAtt."""
    properties: dict[str, Any] = {
        "StateMachineType": "STANDARD",
        "RoleArn": role_arn,
        "Definition": governance_definition(None, settings),
        "DefinitionSubstitutions": {
            "PopulateFunctionArn": {"Fn::GetAtt": ["PopulateCardFunction", "Arn"]},
            "ShareFunctionArn": {"Fn::GetAtt": ["ShareCardFunction", "Arn"]},
            "GateFunctionArn": {"Fn::GetAtt": ["CheckGateFunction", "Arn"]},
        },
    }
    if name is not None:
        properties["StateMachineName"] = name
    return {"Type": "AWS::StepFunctions::StateMachine", "Properties": properties}


def cloudformation_template(settings: WorkflowSettings | None = None) -> dict[str, Any]:
    """Stand-alone template: the state machine plus its role, for functions deployed elsewhere (ARNs as parameters)."""
    resource = state_machine_resource({"Fn::GetAtt": ["StateMachineRole", "Arn"]}, settings)
    resource["Properties"]["DefinitionSubstitutions"] = {v: {"Ref": v} for v in ROLE_SUBSTITUTIONS.values()}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Model-card governance Step Functions workflow (populate, share, gate).",
        "Parameters": {
            v: {
                "Type": "String",
                "AllowedPattern": "^arn:aws[a-zA-Z-]*:lambda:.+$",
                "Description": f"ARN of the {k} Lambda",
            }
            for k, v in ROLE_SUBSTITUTIONS.items()
        },
        "Resources": {
            "StateMachineRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "states.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    },
                    "Policies": [
                        {
                            "PolicyName": "invoke-governance-lambdas",
                            "PolicyDocument": {
                                "Version": "2012-10-17",
                                "Statement": [
                                    {
                                        "Effect": "Allow",
                                        "Action": ["lambda:InvokeFunction"],
                                        "Resource": [{"Ref": v} for v in ROLE_SUBSTITUTIONS.values()],
                                    }
                                ],
                            },
                        }
                    ],
                },
            },
            "GovernanceStateMachine": resource,
        },
        "Outputs": {"StateMachineArn": {"Value": {"Ref": "GovernanceStateMachine"}}},
    }


def render_state_machine_template() -> str:
    """Stand-alone state-machine template as pretty JSON."""
    return json.dumps(cloudformation_template(), indent=2, sort_keys=True) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or with ``--check`` verify) the generated parts of the CloudFormation templates."""
    parser = argparse.ArgumentParser(prog="python -m mcgov.pipelines.cfn_sync")
    parser.add_argument("--check", action="store_true", help="exit 1 instead of writing when a template is stale")
    args = parser.parse_args(argv)
    current = GOVERNANCE_TEMPLATE.read_text()
    wanted = {GOVERNANCE_TEMPLATE: render_governance(current), STATE_MACHINE_TEMPLATE: render_state_machine_template()}
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text() != text]
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(REPO_ROOT)} (run python -m mcgov.pipelines.cfn_sync)", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path])
        print(f"wrote {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
