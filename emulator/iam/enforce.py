"""Authorize requests of role sessions against the role's identity policies, before moto acts on them.

Who is checked: a caller whose credentials come from ``sts:AssumeRole`` into a role that exists in the emulator's
IAM (created by a test, a stack or ``CreateRole``). The default identity, and sessions of roles that do not exist
(the ``emulator-<account>`` account switch of ``Emulator.session``), keep full access.

KMS keys: a request on an existing key is also judged by the key's policy (``key_policy``), as KMS does.

For each IAM action of the operation (``reference.actions_for``), each resource it acts on (the request's ARNs
matching one of the action's resource types in the IAM reference, or the ARN built from the request's names;
``*`` for an action without resource types) and each request context (RAM authorizes every resource and every
principal of a share request in its own context), the role's inline and attached managed policies must allow and
not deny (``policy.evaluate``). Otherwise the request gets AccessDenied shaped per protocol.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.model import ServiceModel
from moto.core.routing import NotFound, get_service_router
from moto.utilities.utils import get_partition

from mcgov.emulator.aws_errors import ErrorResponse, error_response
from mcgov.emulator.iam import reference
from mcgov.emulator.iam.key_policy import key_policy_text, verdict
from mcgov.emulator.iam.policy import Decision, RequestContext, Unsupported, evaluate, statements
from mcgov.emulator.inputs.enforce import identify, service_model
from mcgov.emulator.inputs.parse import Unreadable, read_input
from mcgov.emulator.state import Authorization, get_state

ALWAYS_KNOWN = frozenset(
    {
        "aws:PrincipalArn",
        "aws:PrincipalAccount",
        "aws:RequestedRegion",
        "aws:ResourceAccount",
        "aws:RequestTag/",
        "aws:TagKeys",
        "aws:CalledVia",
        "aws:CalledViaFirst",
        "aws:CalledViaLast",
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:ViaAWSService",
        "aws:SecureTransport",
    }
)
RAM_ENTITY_KEYS = frozenset({"ram:RequestedResourceType", "ram:ResourceArn", "ram:Principal"})
# KMS keys the emulator populates (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html).
KMS_KEYS = frozenset({"kms:CallerAccount", "kms:SigningAlgorithm", "kms:MessageType"})
# IAM reference ARN variables whose request member has another name.
VARIABLE_MEMBERS = {"BucketName": ("Bucket",), "ObjectName": ("Key",), "StateMachineName": ("name",)}


@dataclass(frozen=True)
class Caller:
    """An assumed-role session of a role that exists in the emulator."""

    account: str
    role_arn: str
    session_arn: str
    documents: tuple[str, ...]


def caller_of(response: Any) -> Caller | None:
    """The checked role session making this request, or None (default identity, or a role that does not exist)."""
    from moto.sts.models import sts_backends

    account = response.current_account
    partition = get_partition(response.region)
    try:
        session = sts_backends[account][partition].get_assumed_role_from_access_key(response.access_key)
    except KeyError:
        return None
    if session is None:
        return None
    return role_caller(session.role_arn, session.session_name)


def _role(role_arn: str) -> Any:
    """The emulator IAM's role of ``role_arn``, or None."""
    from moto.iam.models import iam_backends

    parts = role_arn.split(":")
    if len(parts) < 6:
        return None
    try:
        iam = iam_backends[parts[4]][parts[1]]
    except KeyError:
        return None
    return next((r for r in iam.roles.values() if r.arn == role_arn), None)


def role_documents(role_arn: str) -> tuple[str, ...] | None:
    """The inline policies and the default versions of the attached managed policies of a role (None: no such role)."""
    role = _role(role_arn)
    if role is None:
        return None
    documents = list(role.policies.values())
    for policy in role.managed_policies.values():
        documents.extend(v.document for v in policy.versions if v.is_default)
    return tuple(documents)


def role_caller(role_arn: str, session_name: str) -> Caller | None:
    """A session of ``role_arn`` as the policies check it, or None when the role does not exist (full access)."""
    documents = role_documents(role_arn)
    if documents is None:
        return None
    partition, account = role_arn.split(":")[1], role_arn.split(":")[4]
    role_name = role_arn.rsplit("/", 1)[-1]
    return Caller(
        account=account,
        role_arn=role_arn,
        session_arn=f"arn:{partition}:sts::{account}:assumed-role/{role_name}/{session_name}",
        documents=documents,
    )


def trusts_service(role_arn: str, service: str) -> bool:
    """True when the role exists and its trust policy lets ``service`` (``lambda.amazonaws.com``) assume it."""
    role = _role(role_arn)
    if role is None:
        return False
    try:
        trust = json.loads(role.assume_role_policy_document)
    except (TypeError, ValueError):
        return False
    for statement in statements(trust):
        principal = statement.get("Principal")
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        services = services if isinstance(services, list) else [services]
        if statement.get("Effect") == "Allow" and service in services:
            return True
    return False


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _member(value: dict[str, Any], *names: str) -> Any:
    lowered = {k.lower(): v for k, v in value.items()}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _built_arn(arn_format: str, value: dict[str, Any], region: str, account: str, partition: str) -> str | None:
    text = arn_format
    for variable in reference.variables(arn_format):
        filled: str | None
        if variable == "Partition":
            filled = partition
        elif variable == "Region":
            filled = region
        elif variable == "Account":
            filled = account
        elif variable == "RoleNameWithPath":
            name = _member(value, "RoleName")
            filled = None if name is None else (str(_member(value, "Path") or "/") + str(name)).lstrip("/")
        elif variable == "QueueName" and isinstance(_member(value, "QueueUrl"), str):
            filled = str(_member(value, "QueueUrl")).rstrip("/").rsplit("/", 1)[-1]  # SQS names queues by URL
        else:
            found = _member(value, variable, *VARIABLE_MEMBERS.get(variable, ()))
            filled = found if isinstance(found, str) and not found.startswith("arn:") else None
        if filled is None:
            return None
        text = text.replace("${" + variable + "}", filled)
    return text


def resources_of(action: str, value: dict[str, Any], region: str, account: str, partition: str) -> list[str]:
    """The resource ARNs ``action`` acts on in this request (``["*"]`` for an action without resource types)."""
    types = reference.resource_types(action)
    if types is None:
        raise Unsupported(f"action {action!r} (not in the IAM reference)")
    named = [t for t in types if t]
    if not named:
        return ["*"]
    if action == "events:PutEvents":
        return _event_buses(value, region, account, partition)
    arns = [s for s in _strings(value) if s.startswith("arn:")]
    found: list[str] = []
    for resource_type in named:
        arn_format = reference.arn_format(action, resource_type)
        if arn_format:
            found.extend(a for a in arns if reference.arn_regex(arn_format).fullmatch(a) and a not in found)
    if found:
        return found
    for resource_type in named:
        arn_format = reference.arn_format(action, resource_type)
        built = _built_arn(arn_format, value, region, account, partition) if arn_format else None
        if built:
            return [built]
    execution = _callback_execution(action, value, region, account)
    if execution:
        return [execution]
    if "" in types:
        return ["*"]
    raise Unsupported(f"the resource of {action!r} in this request")


def _callback_execution(action: str, value: dict[str, Any], region: str, account: str) -> str | None:
    """The pipeline execution a CallbackStep token belongs to (SendPipelineExecutionStepSuccess/Failure name only
    the token; ``Emulator.issue_callback_token`` records which execution issued it)."""
    if action not in ("sagemaker:SendPipelineExecutionStepSuccess", "sagemaker:SendPipelineExecutionStepFailure"):
        return None
    from moto.sagemaker.models import sagemaker_backends

    tokens = getattr(sagemaker_backends[account][region], "callback_tokens", {})
    return tokens.get(str(_member(value, "CallbackToken")))


def _event_buses(value: dict[str, Any], region: str, account: str, partition: str) -> list[str]:
    """PutEvents acts on the bus of each entry (``EventBusName``, a name or an ARN; none: the default bus)."""
    buses: list[str] = []
    for entry in _member(value, "Entries") or []:
        name = str(_member(entry, "EventBusName") or "default") if isinstance(entry, dict) else "default"
        arn = name if name.startswith("arn:") else f"arn:{partition}:events:{region}:{account}:event-bus/{name}"
        if arn not in buses:
            buses.append(arn)
    return buses or [f"arn:{partition}:events:{region}:{account}:event-bus/default"]


def _request_tags(value: dict[str, Any]) -> dict[str, str] | None:
    tags = _member(value, "Tags")
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    if isinstance(tags, list):
        out = {}
        for tag in tags:
            if isinstance(tag, dict):
                key, val = _member(tag, "Key"), _member(tag, "Value")
                if key is not None:
                    out[str(key)] = str(val or "")
        return out
    return None


def _resource_tags(arn: str, region: str) -> dict[str, str] | None:
    """Tags of a resource the emulator can read (SageMaker resources, RAM shares), else None."""
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return None
    service, arn_region, account = parts[2], parts[3] or region, parts[4]
    if service == "sagemaker":
        from moto.sagemaker.models import sagemaker_backends

        try:
            tags = sagemaker_backends[account][arn_region]._get_resource_from_arn(arn).tags or []
        except Exception:  # noqa: BLE001 - a resource that does not exist has no tags
            tags = []
        return {t["Key"]: t["Value"] for t in tags}
    if service == "ram" and parts[5].startswith("resource-share/"):
        from moto.ram.models import ram_backends

        shares = getattr(ram_backends[account][arn_region], "shares", {})
        share = shares.get(arn)
        return {t.get("key"): t.get("value") for t in (share.tags if share else [])}
    return None


def _ram_contexts(value: dict[str, Any]) -> list[dict[str, Any]]:
    """RAM authorizes each resource and each principal of a share request in its own context."""
    from mcgov.emulator.ram.arns import resource_type_of

    contexts: list[dict[str, Any]] = []
    for arn in _member(value, "resourceArns") or []:
        contexts.append({"ram:ResourceArn": arn, "ram:RequestedResourceType": resource_type_of(arn)})
    for principal in _member(value, "principals") or []:
        contexts.append({"ram:Principal": principal})
    return contexts or [{}]


def contexts_of(
    caller: Caller, service: str, action: str, resource: str, value: dict[str, Any], region: str
) -> list[RequestContext]:
    """The request contexts one action on one resource is authorized in."""
    keys: dict[str, Any] = {
        "aws:PrincipalArn": caller.role_arn,
        "aws:PrincipalAccount": caller.account,
        "aws:RequestedRegion": region,
        "aws:ResourceAccount": resource.split(":")[4] if resource.count(":") >= 5 else caller.account,
        "aws:ViaAWSService": False,
        "aws:SecureTransport": True,
    }
    known = set(ALWAYS_KNOWN)
    tags = _request_tags(value)
    if tags:
        keys.update({f"aws:RequestTag/{k}": v for k, v in tags.items()})
        keys["aws:TagKeys"] = list(tags)
    resource_tags = _resource_tags(resource, region) if resource != "*" else None
    if resource_tags is not None:
        known.add("aws:ResourceTag/")
        keys.update({f"aws:ResourceTag/{k}": v for k, v in resource_tags.items()})
        prefix = resource.split(":")[2]
        known.add(f"{prefix}:ResourceTag/")
        keys.update({f"{prefix}:ResourceTag/{k}": v for k, v in resource_tags.items()})
    entity_contexts: list[dict[str, Any]] = [{}]
    if service == "kms":
        known |= KMS_KEYS
        keys["kms:CallerAccount"] = caller.account
        for key, member in (("kms:SigningAlgorithm", "SigningAlgorithm"), ("kms:MessageType", "MessageType")):
            found = _member(value, member)
            if isinstance(found, str):
                keys[key] = found
        if action in ("kms:Sign", "kms:Verify") and "kms:MessageType" not in keys:
            keys["kms:MessageType"] = "RAW"  # the API's default
    if service == "ram":
        known |= RAM_ENTITY_KEYS
        name = _member(value, "name")
        if isinstance(name, str):
            keys["ram:ResourceShareName"] = name
        allows = _member(value, "allowExternalPrincipals")
        if isinstance(allows, bool):
            keys["ram:RequestedAllowsExternalPrincipals"] = allows
        if action in ("ram:CreateResourceShare", "ram:AssociateResourceShare", "ram:DisassociateResourceShare"):
            entity_contexts = _ram_contexts(value)
    return [RequestContext(action, resource, {**keys, **extra}, frozenset(known)) for extra in entity_contexts]


def _denied(model: ServiceModel, caller: Caller, action: str, resource: str, why: str) -> ErrorResponse:
    if model.protocol == "query":
        return error_response(model, "AccessDenied", denial_message(caller, action, resource, why), status=403)
    if model.protocol == "rest-xml":
        return error_response(model, "AccessDenied", denial_message(caller, action, resource, why), status=403)
    status = 400 if model.protocol == "json" else 403
    return error_response(model, "AccessDeniedException", denial_message(caller, action, resource, why), status=status)


def denial_message(caller: Caller, action: str, resource: str, why: str) -> str:
    """AccessDenied's message as AWS words it."""
    on = "" if resource == "*" else f" on resource: {resource}"
    return f"User: {caller.session_arn} is not authorized to perform: {action}{on} {why}"


def _why_denied(caller: Caller, contexts: list[RequestContext], key_policy: str | None = None) -> str:
    """Why the role's policies (and, on a KMS key, the key policy) refuse one of ``contexts`` (the sentence AWS ends
    its message with), or ``""``."""
    for context in contexts:
        try:
            outcome = evaluate(caller.documents, context)
            if outcome.decision is Decision.EXPLICIT_DENY:
                return "with an explicit deny in an identity-based policy"
            if key_policy is not None:
                why = _key_refusal(key_policy, context.resource, caller, context, outcome.decision)
                if why:
                    return why
                continue
        except Unsupported as exc:
            return f"because the emulator does not evaluate {exc}; it denies"
        if outcome.decision is Decision.IMPLICIT_DENY:
            return f"because no identity-based policy allows the {context.action} action"
    return ""


def _record(caller: Caller, action: str, resource: str, why: str, by: str) -> None:
    get_state().record_authorization(
        Authorization(caller.role_arn, action, resource, allowed=not why, by=by, reason=why)
    )


# A resource type RAM shares -> the action RAM attaches its resource-based policy with, on the sharer's behalf
# (RAM user guide, troubleshooting "AccessDeniedException": "To attach permissions to a resource share, you need
# resourceOwningService:PutPolicyAction", https://docs.aws.amazon.com/ram/latest/userguide/tshoot-access-denied.html;
# SageMaker's actions: the IAM reference, sagemaker:PutResourcePolicy and sagemaker:PutModelPackageGroupPolicy).
RAM_POLICY_ACTIONS = {
    "sagemaker:ModelCard": "sagemaker:PutResourcePolicy",
    "sagemaker:ModelPackageGroup": "sagemaker:PutModelPackageGroupPolicy",
}
SHARE_WRITES = ("CreateResourceShare", "AssociateResourceShare")


def implied_actions(
    service: str, operation: str, value: dict[str, Any], region: str, account: str
) -> list[tuple[str, str, dict[str, Any]]]:
    """(action, resource, condition keys) a request is also authorized as, beyond its own action.

    * CreateResourceShare with ``tags`` is also authorized as ``ram:TagResource`` on the new share (the Service
      Authorization Reference's RAM page, https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsresourceaccessmanagerram.html).
    * A Create/AssociateResourceShare whose share then holds a resource of a type in ``RAM_POLICY_ACTIONS`` (and
      names a resource or a principal): RAM attaches that resource's policy with the caller's permissions.
    """
    if service != "ram" or operation not in SHARE_WRITES:
        return []
    from mcgov.emulator.ram.arns import resource_type_of

    partition = get_partition(region)
    implied: list[tuple[str, str, dict[str, Any]]] = []
    share_arn = _member(value, "resourceShareArn")
    tags = _request_tags(value)
    if operation == "CreateResourceShare" and tags:
        new_share = f"arn:{partition}:ram:{region}:{account}:resource-share/{uuid.uuid4()}"
        implied.append(("ram:TagResource", new_share, {}))
    resources = [str(a) for a in _member(value, "resourceArns") or []]
    if isinstance(share_arn, str):
        from moto.ram.models import ram_backends

        share = getattr(ram_backends[account][region], "shares", {}).get(share_arn)
        if share is not None:
            resources += [a.entity for a in share.rows("RESOURCE")]
    if resources or _member(value, "principals"):
        types = set()
        for arn in resources:
            try:
                types.add(resource_type_of(arn))
            except Exception:  # noqa: BLE001 - a malformed ARN: RAM refuses the request itself
                continue
        for resource_type in sorted(types):
            if resource_type in RAM_POLICY_ACTIONS:
                implied.append((RAM_POLICY_ACTIONS[resource_type], "*", {}))
    return implied


def authorize(
    model: ServiceModel, caller: Caller, service: str, operation: str, value: dict[str, Any], region: str
) -> ErrorResponse | None:
    """AccessDenied for the first action/resource/context the role's policies do not allow, else None; every
    decision goes to the authorization log (``EmulatorState.authorizations``)."""
    partition = get_partition(region)
    for action in reference.actions_for(service, operation):
        if action in reference.ALWAYS_ALLOWED:
            continue
        try:
            resources = resources_of(action, value, region, caller.account, partition)
        except Unsupported as exc:
            why = f"because the emulator cannot determine {exc} and denies"
            _record(caller, action, "*", why, "request")
            return _denied(model, caller, action, "*", why)
        for resource in resources:
            key_policy = key_policy_text(resource) if service == "kms" else None
            try:
                contexts = contexts_of(caller, service, action, resource, value, region)
            except Unsupported as exc:
                contexts, why = [], f"because the emulator does not evaluate {exc}; it denies"
            else:
                why = _why_denied(caller, contexts, key_policy)
            _record(caller, action, resource, why, "request")
            if why:
                return _denied(model, caller, action, resource, why)
    for action, resource, _keys in implied_actions(service, operation, value, region, caller.account):
        by = "ram" if action.startswith("sagemaker:") else "request"
        try:
            contexts = contexts_of(caller, service, action, resource, value, region)
        except Unsupported as exc:
            contexts, why = [], f"because the emulator does not evaluate {exc}; it denies"
        else:
            contexts = [c for c in contexts if not (c.keys.keys() & RAM_ENTITY_KEYS)] or contexts[:1]
            why = _why_denied(caller, contexts)
        _record(caller, action, resource, why, by)
        if why:
            return _denied(model, caller, action, resource, why)
    return None


def service_check(
    caller: Caller,
    action: str,
    resource: str,
    region: str,
    *,
    by: str,
    forwarded: bool = False,
    keys: dict[str, Any] | None = None,
) -> str | None:
    """A service acting with ``caller``'s role (Lambda writing logs, RAM attaching a resource policy ...): the
    AccessDenied message when the role's policies refuse ``action`` on ``resource``, else None; logged with ``by``.

    ``forwarded``: the service calls with the caller's own credentials while serving the caller's request
    (``aws:ViaAWSService`` true, ``aws:CalledVia`` the service), as AWS's forward access sessions do.
    """
    service = action.split(":", 1)[0]
    try:
        contexts = contexts_of(caller, service, action, resource, {}, region)
    except Unsupported as exc:
        contexts, why = [], f"because the emulator does not evaluate {exc}; it denies"
    else:
        extra: dict[str, Any] = dict(keys or {})
        if forwarded:
            extra.update({"aws:ViaAWSService": True, "aws:CalledVia": [f"{by}.amazonaws.com"]})
            extra.update({"aws:CalledViaFirst": f"{by}.amazonaws.com", "aws:CalledViaLast": f"{by}.amazonaws.com"})
        contexts = [
            RequestContext(c.action, c.resource, {**c.keys, **extra}, c.known | frozenset(extra)) for c in contexts
        ]
        why = _why_denied(caller, contexts)
    _record(caller, action, resource, why, by)
    return denial_message(caller, action, resource, why) if why else None


def _key_refusal(
    key_policy: str, resource: str, caller: Caller, context: RequestContext, identity: Decision
) -> str | None:
    """Why the key policy (with the identity policies, when it delegates to IAM) refuses this context, or None."""
    found = verdict(key_policy, resource.split(":")[4], caller.role_arn, caller.session_arn, context)
    if found.decision is Decision.EXPLICIT_DENY:
        return "with an explicit deny in the key policy"
    if found.decision is Decision.IMPLICIT_DENY:
        return f"because no key policy statement allows the {context.action} action"
    if found.through_iam and identity is not Decision.ALLOW:
        return f"because no identity-based policy allows the {context.action} action"
    return None


def refusal(response: Any) -> ErrorResponse | None:
    """AccessDenied when a checked role session is not allowed this request (json, rest-json, query)."""
    caller = caller_of(response)
    if caller is None:
        return None
    found = identify(response)
    if found is None:
        return None
    model, operation, parts, uri_params = found
    try:
        value = read_input(operation, parts, uri_params)
    except Unreadable:
        return None  # the input rules answer SerializationException
    return authorize(model, caller, model.service_name, operation.name, value, response.region)


def s3_refusal(response: Any) -> ErrorResponse | None:
    """The same for S3 (rest-xml): the operation and Bucket/Key come from moto's S3 router."""
    caller = caller_of(response)
    if caller is None:
        return None
    model = service_model("s3")
    try:
        operation, params = get_service_router("s3").match(response.normalized_request)
    except (NotFound, NotImplementedError):
        return None
    assert model is not None
    return authorize(model, caller, "s3", operation.name, dict(params), response.region)
