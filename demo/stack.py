"""The governance stack as the demo deploys it: ``steps/stack/governance.yaml`` on the emulator, from the template
itself (``Emulator.deploy_stack``), so every Lambda runs under its own role and the state machine under its role,
as in an account. Only the workflow's waits differ: the state machine gets the demo's settings (moto waits out a
Wait state in real time)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcgov.pipelines.local_run import HANDLER_MODULES, Handler, LocalWorkflow
from mcgov.steps.stack.template import TEMPLATE
from mcgov.steps.workflow.definition import WorkflowSettings, governance_definition

FUNCTIONS = {"populate": "PopulateCardFunction", "share": "ShareCardFunction", "gate": "CheckGateFunction"}


def parameters(policy_uri: str, artifact_bucket: str, **more: str) -> dict[str, str]:
    """The stack's parameters for a policy (a path or s3:// URI) and the bucket of the pipeline's outputs."""
    bucket = policy_uri.removeprefix("s3://").partition("/")[0] if policy_uri.startswith("s3://") else ""
    return {
        "CodeBucket": "mcgov-demo-code",
        "CodeKey": "mcgov-lambda.zip",
        "PolicyUri": policy_uri,
        "PolicyBucket": bucket,
        "ArtifactBucket": artifact_bucket,
        **more,
    }


def deploy_governance(
    emu: Any,
    *,
    policy_uri: str,
    artifact_bucket: str,
    settings: WorkflowSettings,
    handlers: Mapping[str, Handler] | None = None,
    stack_name: str = "mcgov",
    notification_bus_arn: str = "",
) -> tuple[Any, LocalWorkflow]:
    """The stack in the card account, and its governance workflow. ``handlers`` (keys populate/share/gate) replace
    those functions' handlers (tests use stand-ins); the others run the template's. ``notification_bus_arn``: the
    policy's notifications bus (``NotificationBusArn``: the gate, guard and watcher roles may put events there)."""
    replaced = {f"{HANDLER_MODULES[key]}.handler": handler for key, handler in (handlers or {}).items()}

    def handler_for(path: str) -> Any:
        from mcgov.emulator.stack import import_handler

        return replaced.get(path) or import_handler(path)

    stack = emu.deploy_stack(
        TEMPLATE,
        stack_name=stack_name,
        parameters=parameters(policy_uri, artifact_bucket, NotificationBusArn=notification_bus_arn),
        handlers=handler_for,
        definitions={"GovernanceStateMachine": governance_definition(None, settings)},
    )
    sfn = emu.session("card").client("stepfunctions")
    workflow = LocalWorkflow(
        sfn, stack.arns["GovernanceStateMachine"], {key: stack.arns[logical] for key, logical in FUNCTIONS.items()}
    )
    return stack, workflow
