"""Deliver to a target of a rule or a schedule: the permission AWS needs, the call, retries, the dead-letter queue.

Targets: Lambda functions (the in-process handler registered with ``Emulator.register_lambda_handler``, run under
the function's role with its environment as ``awslambda.runtime`` runs it; the function must exist), SQS queues, SNS
topics, Step Functions state machines (StartExecution), event buses and CloudWatch Logs
log groups (moto's backends). Sources for the rules applied:

* A rule invokes Lambda asynchronously. A Lambda, SNS or SQS target with a ``RoleArn`` is called as that role (it
  must allow ``lambda:InvokeFunction``, ``sns:Publish`` or ``sqs:SendMessage``); without one, a Lambda target needs
  the function's resource-based policy to allow ``events.amazonaws.com``
  (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html); a Step Functions target
  needs a ``RoleArn`` allowing ``states:StartExecution``
  (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html).
* A schedule calls its target as its execution role ``RoleArn``, which must allow the templated action
  (https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role).
* A function error of an asynchronous invocation is retried twice, one minute then two minutes later
  (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
* A target that cannot be reached sends the event to the target's ``DeadLetterConfig`` SQS queue, if any
  (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).

Not modelled: the SQS queue policy and SNS topic policy a rule target without a role needs in AWS (allowed here).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mcgov.emulator.awslambda.models import find_handler, function_key
from mcgov.emulator.events.hub import Delivery, EventHub
from mcgov.emulator.iam.enforce import ALWAYS_KNOWN, role_documents
from mcgov.emulator.iam.policy import Decision, RequestContext, Unsupported, evaluate
from mcgov.emulator.state import Authorization, get_state

LAMBDA_RETRY_DELAYS = (60.0, 120.0)
EVENTS_PRINCIPAL = "events.amazonaws.com"
# The action a rule target's execution role must allow, for the targets that may use a role or a resource policy.
RULE_ROLE_ACTIONS = {"lambda": "lambda:InvokeFunction", "sqs": "sqs:SendMessage", "sns": "sns:Publish"}
# The action a schedule's role must allow for each templated target type.
SCHEDULER_ACTIONS = {
    "lambda": "lambda:InvokeFunction",
    "sqs": "sqs:SendMessage",
    "sns": "sns:Publish",
    "states": "states:StartExecution",
    "events": "events:PutEvents",
}


@dataclass(frozen=True)
class Via:
    """Who delivers: a rule (``kind`` "rule") or a schedule ("schedule"), by ARN, in ``account``."""

    kind: str
    arn: str
    account: str
    region: str


@dataclass(frozen=True)
class Result:
    outcome: str
    error: str | None = None


def _arn_parts(arn: str) -> tuple[str, str, str, str]:
    """(service, region, account, resource) of an ARN."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        raise ValueError(f"{arn} is not an ARN")
    return parts[2], parts[3], parts[4], parts[5]


def deliver(
    hub: EventHub,
    via: Via,
    target: Mapping[str, Any],
    payload: str,
    *,
    attempt: int = 1,
    event_id: str | None = None,
    forward: Mapping[str, Any] | None = None,
) -> None:
    """Deliver ``payload`` to ``target`` once, log the attempt, and schedule a retry or the dead-letter queue.

    ``forward`` is the original event, for an event-bus target (a rule forwards the event itself).
    """
    now = hub.clock.now()
    arn = str(target.get("Arn", ""))
    try:
        denied = permission_error(via, target) if hub.config.check_permissions else None
        result = Result("failed", denied) if denied else invoke(arn, payload, target, forward)
    except Exception as exc:  # noqa: BLE001 - moto's not-found errors and bad ARNs: the delivery failed
        result = Result("failed", f"{type(exc).__name__}: {exc}")
    hub.record_delivery(
        Delivery(
            time=now,
            via=via.arn,
            target_id=str(target.get("Id", "")),
            target_arn=arn,
            input=payload,
            attempt=attempt,
            outcome=result.outcome,
            error=result.error,
            event_id=event_id,
        )
    )
    if result.outcome == "function-error" and attempt <= len(LAMBDA_RETRY_DELAYS):
        hub.at(
            now + LAMBDA_RETRY_DELAYS[attempt - 1],
            lambda: deliver(hub, via, target, payload, attempt=attempt + 1, event_id=event_id, forward=forward),
        )
    elif result.outcome == "failed":
        dead_letter = (target.get("DeadLetterConfig") or {}).get("Arn")
        if dead_letter:
            try:
                _send_sqs(dead_letter, payload, None)
            except Exception as exc:  # noqa: BLE001 - a missing dead-letter queue is logged like any failure
                hub.record_delivery(
                    Delivery(now, via.arn, str(target.get("Id", "")), dead_letter, payload, 1, "failed", str(exc))
                )


def permission_error(via: Via, target: Mapping[str, Any]) -> str | None:
    """Why AWS would refuse this delivery, or None."""
    arn = str(target.get("Arn", ""))
    service, _, _, _ = _arn_parts(arn)
    role_arn = target.get("RoleArn")
    if via.kind == "schedule":
        action = SCHEDULER_ACTIONS.get(service)
        if action is None:
            return f"the emulator does not invoke {service} targets"
        return _role_error(str(role_arn or ""), action, arn, by="scheduler")
    if role_arn and service in RULE_ROLE_ACTIONS:  # an execution role instead of the resource-based policy
        return _role_error(str(role_arn), RULE_ROLE_ACTIONS[service], arn, by="events")
    if service == "lambda":
        return _lambda_policy_error(via, arn)
    if service == "states":
        if not role_arn:
            return "a Step Functions target needs RoleArn, a role EventBridge assumes to call states:StartExecution"
        return _role_error(str(role_arn), "states:StartExecution", arn, by="events")
    return None


def _role_error(role_arn: str, action: str, resource: str, *, by: str) -> str | None:
    """Why the target's role may not make the call, or None; the decision goes to the authorization log, made
    ``by`` the service that acts with the role (``events``, ``scheduler``)."""
    error = _role_refusal(role_arn, action, resource)
    if role_arn and role_documents(role_arn) is not None:
        get_state().record_authorization(
            Authorization(role_arn, action, resource, allowed=error is None, by=by, reason=error or "")
        )
    return error


def _role_refusal(role_arn: str, action: str, resource: str) -> str | None:
    documents = role_documents(role_arn) if role_arn else None
    if documents is None:
        return f"the role {role_arn or '(none)'} does not exist, so it cannot be assumed to call {action}"
    account = role_arn.split(":")[4]
    context = RequestContext(
        action=action,
        resource=resource,
        keys={
            "aws:PrincipalArn": role_arn,
            "aws:PrincipalAccount": account,
            "aws:ResourceAccount": resource.split(":")[4],
        },
        known=ALWAYS_KNOWN,
    )
    try:
        decision = evaluate(documents, context).decision
    except Unsupported as exc:
        return f"the policies of {role_arn} use {exc}, which the emulator does not evaluate"
    if decision is not Decision.ALLOW:
        return f"{role_arn} is not authorized to perform: {action} on resource: {resource} ({decision.value})"
    return None


def _principal_allows(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        services = principal.get("Service", [])
        services = [services] if isinstance(services, str) else list(services)
        aws = principal.get("AWS", [])
        aws = [aws] if isinstance(aws, str) else list(aws)
        return EVENTS_PRINCIPAL in services or "*" in aws
    return False


def _lambda_policy_error(via: Via, function_arn: str) -> str | None:
    from moto.awslambda.utils import get_backend

    _, region, account, _ = _arn_parts(function_arn)
    denied = (
        f"the resource-based policy of {function_arn} does not allow {EVENTS_PRINCIPAL} to call "
        f"lambda:InvokeFunction for {via.arn} (add it with lambda AddPermission or AWS::Lambda::Permission)"
    )
    try:
        policy = json.loads(json.loads(get_backend(account, region).get_policy(function_arn))["Policy"])
    except Exception:  # noqa: BLE001 - no function, or a function without a policy
        return denied
    statements = [
        {k: v for k, v in statement.items() if k != "Principal"}
        for statement in policy.get("Statement", [])
        if _principal_allows(statement.get("Principal"))
    ]
    context = RequestContext(
        action="lambda:InvokeFunction",
        resource=function_arn,
        keys={"aws:SourceArn": via.arn, "aws:SourceAccount": via.account},
        known=frozenset(),
    )
    try:
        decision = evaluate([{"Statement": statements}], context).decision
    except Unsupported:
        return denied
    return None if decision is Decision.ALLOW else denied


def invoke(arn: str, payload: str, target: Mapping[str, Any], forward: Mapping[str, Any] | None) -> Result:
    """Call the target (no permission check)."""
    service, region, account, resource = _arn_parts(arn)
    if service == "lambda":
        return _invoke_lambda(arn, region, account, payload)
    if service == "sqs":
        _send_sqs(arn, payload, (target.get("SqsParameters") or {}).get("MessageGroupId"))
        return Result("delivered")
    if service == "sns":
        from moto.sns.models import sns_backends

        sns_backends[account][region].publish(message=payload, arn=arn)
        return Result("delivered")
    if service == "states":
        from moto.stepfunctions.responses import get_backend as sfn_backend

        sfn_backend(account, region).start_execution(arn, str(uuid.uuid4()), payload)
        return Result("delivered")
    if service == "events" and resource.startswith("event-bus/"):
        from mcgov.emulator.events.models import publish

        event = dict(forward) if forward is not None else json.loads(payload)
        publish(account, region, resource.split("/", 1)[1], event)
        return Result("delivered")
    if service == "logs" and resource.startswith("log-group:"):
        from moto.logs.models import logs_backends

        group = resource.split(":", 2)[1]
        stream = str(uuid.uuid4())
        backend = logs_backends[account][region]
        backend.create_log_stream(group, stream)
        backend.put_log_events(group, stream, [{"timestamp": 0, "message": payload}])
        return Result("delivered")
    return Result("failed", f"the emulator does not deliver to {service} targets ({arn})")


def _invoke_lambda(arn: str, region: str, account: str, payload: str) -> Result:
    from moto.awslambda.utils import get_backend

    try:
        get_backend(account, region).get_function(arn)
    except Exception:  # noqa: BLE001 - moto raises its own not-found error
        return Result("failed", f"Function not found: {arn}")
    handler = find_handler(arn)
    if handler is None:
        return Result(
            "failed",
            f"no in-process handler is registered for {function_key(arn)} (Emulator.register_lambda_handler)",
        )
    from mcgov.emulator.awslambda.runtime import function_config, run_function

    # as Lambda runs an asynchronous invocation: under the function's role, with its environment variables
    output, failed = run_function(handler, function_config(arn, account, region), function_key(arn), payload)
    if failed:
        return Result("function-error", json.loads(output).get("errorMessage"))
    return Result("delivered")


def _send_sqs(arn: str, payload: str, group_id: str | None) -> None:
    from moto.sqs.models import sqs_backends

    _, region, account, queue = _arn_parts(arn)
    backend = sqs_backends[account][region]
    if queue.endswith(".fifo"):
        attributes = backend.get_queue_attributes(queue, ["ContentBasedDeduplication"])
        if attributes.get("ContentBasedDeduplication") != "true":
            raise ValueError(f"{arn} is a FIFO queue without content-based deduplication; EventBridge needs it")
    backend.send_message(queue_name=queue, message_body=payload, group_id=group_id)
