"""A CloudFormation template deployed on the emulator: its intrinsic functions resolved, its roles and runtime
resources created from the template itself.

``load_template`` reads a template (YAML short forms such as ``!Sub`` or ``!GetAtt`` included). ``Resolver``
evaluates what CloudFormation evaluates for one stack: parameters (given or default), the pseudo parameters
(``AWS::AccountId``, ``AWS::Region``, ``AWS::Partition``, ``AWS::StackName``, ``AWS::StackId``,
``AWS::URLSuffix``, ``AWS::NoValue``), ``Conditions`` and a resource's ``Condition``, ``Ref``, ``Fn::GetAtt``,
``Fn::Sub`` (both forms), ``Fn::If``, ``Fn::Equals``, ``Fn::Not``, ``Fn::And``, ``Fn::Or``, ``Fn::Join``,
``Fn::Select``, ``Fn::Split``, ``Fn::FindInMap`` and ``Fn::Base64`` (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html).
A function or reference it does not know raises ``TemplateError``: nothing is guessed.

``deploy_stack`` creates, in one account, the resources an emulated stack needs at run time: KMS keys (key policy,
spec and usage as written; their ARNs, which KMS chooses, known from then on), IAM managed policies and roles
(trust, inline and managed policies as written, a managed policy's ``Roles`` included), log groups, SQS queues and
queue policies, Lambda functions (each running the handler ``handlers(<Handler>)`` returns, in-process, under its
role), their event invoke configurations and resource-based permissions, state machines (``DefinitionSubstitutions``
applied), S3 buckets, customer-managed RAM permissions, IAM policies attached to roles (``AWS::IAM::Policy``),
DynamoDB tables (with their TTL), EventBridge rules on the default bus with their targets, and EventBridge Scheduler
schedules. SQS event source mappings are returned (``DeployedStack.event_sources``) for
``Emulator.poll_event_source``. Every other resource type is listed in ``DeployedStack.skipped``.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mcgov.emulator.exceptions import EmulatorConfigError
from mcgov.emulator.state import LambdaHandler

PARTITIONS = {"cn-": "aws-cn", "us-gov-": "aws-us-gov"}
SHORT_FORMS = {
    "Ref": "Ref",
    "Condition": "Condition",
    "GetAtt": "Fn::GetAtt",
}


class TemplateError(EmulatorConfigError):
    """The template uses something the resolver does not evaluate, or refers to what does not exist."""


class _NoValue:
    """``AWS::NoValue``: the property or list item is removed."""


NO_VALUE = _NoValue()


def _template_loader() -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        """YAML with CloudFormation's short forms (``!Sub x`` -> ``{"Fn::Sub": x}``)."""

    def construct(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        key = SHORT_FORMS.get(suffix, f"Fn::{suffix}")
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if key == "Fn::GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        elif isinstance(node, yaml.MappingNode):
            value = loader.construct_mapping(node, deep=True)
        else:
            raise TemplateError(f"!{suffix}: not a scalar, list or mapping")
        return {key: value}

    Loader.add_multi_constructor("!", construct)
    return Loader


def load_template(source: str | Path) -> dict[str, Any]:
    """A template from a path or its text (YAML or JSON)."""
    text = Path(source).read_text() if isinstance(source, Path) or "\n" not in str(source) else str(source)
    loaded = yaml.load(text, Loader=_template_loader())  # noqa: S506 - a SafeLoader subclass
    if not isinstance(loaded, dict) or not isinstance(loaded.get("Resources"), dict):
        raise TemplateError("not a CloudFormation template: no Resources")
    return loaded


def partition_of(region: str) -> str:
    return next((p for prefix, p in PARTITIONS.items() if region.startswith(prefix)), "aws")


def physical_name(stack_name: str, logical_id: str, limit: int = 64) -> str:
    """A name as CloudFormation makes one (``<stack>-<logical id>-<suffix>``), stable for a stack and resource."""
    suffix = hashlib.sha256(f"{stack_name}/{logical_id}".encode()).hexdigest()[:12].upper()
    head = f"{stack_name}-{logical_id}"[: limit - len(suffix) - 1]
    return f"{head}-{suffix}"


# Resource type -> the property naming it (when the template may name it) and the name's length limit.
NAME_PROPERTIES: dict[str, tuple[str | None, int]] = {
    "AWS::IAM::Role": ("RoleName", 64),
    "AWS::IAM::ManagedPolicy": ("ManagedPolicyName", 128),
    "AWS::Logs::LogGroup": ("LogGroupName", 512),
    "AWS::SQS::Queue": ("QueueName", 80),
    "AWS::Lambda::Function": ("FunctionName", 64),
    "AWS::StepFunctions::StateMachine": ("StateMachineName", 80),
    "AWS::RAM::Permission": ("Name", 36),
    "AWS::S3::Bucket": ("BucketName", 63),
    "AWS::Events::Rule": ("Name", 64),
    "AWS::DynamoDB::Table": ("TableName", 255),
    "AWS::Scheduler::Schedule": ("Name", 64),
}


class Resolver:
    """The intrinsic functions of one template for one stack (see the module docstring)."""

    def __init__(
        self,
        template: Mapping[str, Any],
        *,
        stack_name: str,
        account: str,
        region: str,
        parameters: Mapping[str, Any] | None = None,
        stack_id: str | None = None,
    ) -> None:
        self.template = template
        self.stack_name = stack_name
        self.account = account
        self.region = region
        self.partition = partition_of(region)
        stack_uuid = hashlib.sha256(f"{account}/{region}/{stack_name}".encode()).hexdigest()
        uuid_text = f"{stack_uuid[:8]}-{stack_uuid[8:12]}-{stack_uuid[12:16]}-{stack_uuid[16:20]}-{stack_uuid[20:32]}"
        self.stack_id = stack_id or (
            f"arn:{self.partition}:cloudformation:{region}:{account}:stack/{stack_name}/{uuid_text}"
        )
        self.parameters = self._parameters(parameters or {})
        self._conditions: dict[str, bool] = {}
        self.names: dict[str, str] = {}
        self.created: dict[str, str] = {}  # logical id -> ARN of a resource whose ARN the service chose (KMS keys)
        for logical, resource in self.resources().items():
            self.names[logical] = self._name_of(logical, resource)

    # ------------------------------------------------------------------ inputs
    def _parameters(self, given: Mapping[str, Any]) -> dict[str, Any]:
        declared = self.template.get("Parameters") or {}
        unknown = set(given) - set(declared)
        if unknown:
            raise TemplateError(f"parameters {sorted(unknown)} are not declared by the template")
        values: dict[str, Any] = {}
        for name, spec in declared.items():
            if name in given:
                value = given[name]
            elif "Default" in spec:
                value = spec["Default"]
            else:
                raise TemplateError(f"parameter {name} has no default: pass a value")
            if spec.get("Type") == "CommaDelimitedList" and isinstance(value, str):
                value = value.split(",")
            elif not isinstance(value, list):
                value = str(value)
            allowed = spec.get("AllowedValues")
            if allowed is not None and value not in [str(a) for a in allowed]:
                raise TemplateError(f"parameter {name}: {value!r} is not one of {allowed}")
            pattern = spec.get("AllowedPattern")
            for item in value if isinstance(value, list) else [value]:
                if pattern is not None and not re.fullmatch(pattern, item):
                    raise TemplateError(f"parameter {name}: {item!r} does not match its AllowedPattern")
            values[name] = value
        return values

    def resources(self) -> dict[str, dict[str, Any]]:
        """The template's resources whose ``Condition`` holds."""
        return {
            logical: resource
            for logical, resource in (self.template.get("Resources") or {}).items()
            if "Condition" not in resource or self.condition(resource["Condition"])
        }

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            conditions = self.template.get("Conditions") or {}
            if name not in conditions:
                raise TemplateError(f"condition {name} is not declared")
            self._conditions[name] = bool(self.resolve(conditions[name]))
        return self._conditions[name]

    def _name_of(self, logical: str, resource: Mapping[str, Any]) -> str:
        prop, limit = NAME_PROPERTIES.get(resource.get("Type", ""), (None, 64))
        given = (resource.get("Properties") or {}).get(prop) if prop else None
        if given is not None:
            return str(self.resolve(given))
        name = physical_name(self.stack_name, logical, limit)
        return name.lower() if resource.get("Type") == "AWS::S3::Bucket" else name

    # ------------------------------------------------------------------ references
    def pseudo(self, name: str) -> Any:
        values = {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::Partition": self.partition,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": self.stack_id,
            "AWS::URLSuffix": "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com",
            "AWS::NoValue": NO_VALUE,
        }
        if name not in values:
            raise TemplateError(f"pseudo parameter {name} is not evaluated")
        return values[name]

    def arn(self, logical: str) -> str:
        """The ARN of a resource (``Fn::GetAtt <logical>.Arn``)."""
        resources = self.resources()
        if logical not in resources:
            raise TemplateError(f"resource {logical} does not exist (or its Condition is false)")
        kind, name = resources[logical]["Type"], self.names[logical]
        if logical in self.created:
            return self.created[logical]
        if kind == "AWS::KMS::Key":
            raise TemplateError(f"the ARN of {logical} ({kind}) is known once the key is created")
        p, r, a = self.partition, self.region, self.account
        formats = {
            "AWS::IAM::Role": f"arn:{p}:iam::{a}:role/{name}",
            "AWS::IAM::ManagedPolicy": f"arn:{p}:iam::{a}:policy/{name}",
            "AWS::Lambda::Function": f"arn:{p}:lambda:{r}:{a}:function:{name}",
            "AWS::SQS::Queue": f"arn:{p}:sqs:{r}:{a}:{name}",
            "AWS::StepFunctions::StateMachine": f"arn:{p}:states:{r}:{a}:stateMachine:{name}",
            "AWS::RAM::Permission": f"arn:{p}:ram:{r}:{a}:permission/{name}",
            "AWS::Logs::LogGroup": f"arn:{p}:logs:{r}:{a}:log-group:{name}:*",
            "AWS::Events::Rule": f"arn:{p}:events:{r}:{a}:rule/{name}",
            "AWS::S3::Bucket": f"arn:{p}:s3:::{name}",
            "AWS::DynamoDB::Table": f"arn:{p}:dynamodb:{r}:{a}:table/{name}",
            "AWS::Scheduler::Schedule": f"arn:{p}:scheduler:{r}:{a}:schedule/default/{name}",
        }
        if kind not in formats:
            raise TemplateError(f"the ARN of {logical} ({kind}) is not evaluated")
        return formats[kind]

    def ref(self, name: str) -> Any:
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in self.parameters:
            return self.parameters[name]
        resources = self.resources()
        if name not in resources:
            raise TemplateError(f"Ref {name}: no such parameter or resource (or its Condition is false)")
        kind = resources[name]["Type"]
        if kind in ("AWS::IAM::ManagedPolicy", "AWS::StepFunctions::StateMachine", "AWS::RAM::Permission"):
            return self.arn(name)
        if kind == "AWS::SQS::Queue":
            return f"https://sqs.{self.region}.amazonaws.com/{self.account}/{self.names[name]}"
        if kind == "AWS::KMS::Key":
            return self.arn(name).rsplit("/", 1)[-1]  # the key id
        return self.names[name]

    def get_att(self, logical: str, attribute: str) -> Any:
        resources = self.resources()
        if logical not in resources:
            raise TemplateError(f"Fn::GetAtt {logical}.{attribute}: no such resource (or its Condition is false)")
        if attribute == "Arn":
            return self.arn(logical)
        if attribute in ("QueueName", "Name", "StateMachineName"):
            return self.names[logical]
        if attribute in ("QueueUrl", "KeyId"):
            return self.ref(logical)
        raise TemplateError(f"Fn::GetAtt {logical}.{attribute} is not evaluated")

    # ------------------------------------------------------------------ evaluation
    def resolve(self, node: Any) -> Any:
        """``node`` with every intrinsic function evaluated and ``AWS::NoValue`` removed."""
        if isinstance(node, list):
            return [v for v in (self.resolve(item) for item in node) if v is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref":
                return self.ref(str(arg))
            if key == "Condition" and isinstance(arg, str):
                return self.condition(arg)
            if key.startswith("Fn::"):
                return self._function(key, arg)
        out = {}
        for key, value in node.items():
            resolved = self.resolve(value)
            if resolved is not NO_VALUE:
                out[key] = resolved
        return out

    def _function(self, name: str, arg: Any) -> Any:
        if name == "Fn::If":
            condition, when_true, when_false = arg
            return self.resolve(when_true if self.condition(condition) else when_false)
        if name == "Fn::Equals":
            left, right = self.resolve(arg)
            return str(left) == str(right) if not isinstance(left, list) else left == right
        if name == "Fn::Not":
            return not self.resolve(arg)[0]
        if name == "Fn::And":
            return all(self.resolve(arg))
        if name == "Fn::Or":
            return any(self.resolve(arg))
        if name == "Fn::Join":
            separator, items = arg
            return str(separator).join(str(i) for i in self.resolve(items))
        if name == "Fn::Select":
            index, items = self.resolve(arg)
            return items[int(index)]
        if name == "Fn::Split":
            separator, text = arg
            return str(self.resolve(text)).split(str(separator))
        if name == "Fn::GetAtt":
            logical, attribute = arg if isinstance(arg, list) else str(arg).split(".", 1)
            return self.get_att(str(logical), str(self.resolve(attribute)))
        if name == "Fn::Sub":
            return self._sub(arg)
        if name == "Fn::FindInMap":
            mapping, first, second = self.resolve(arg)
            return (self.template.get("Mappings") or {})[mapping][first][second]
        if name == "Fn::Base64":
            return base64.b64encode(str(self.resolve(arg)).encode()).decode()
        raise TemplateError(f"{name} is not evaluated")

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def replace(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("!"):
                return "${" + expression[1:] + "}"
            if expression in variables:
                value = variables[expression]
            elif "." in expression and not expression.startswith("AWS::"):
                logical, attribute = expression.split(".", 1)
                value = self.get_att(logical, attribute)
            else:
                value = self.ref(expression)
            if isinstance(value, list) or value is NO_VALUE:
                raise TemplateError(f"Fn::Sub ${{{expression}}} is not a string")
            return str(value)

        return re.sub(r"\$\{([^}]*)\}", replace, str(text))

    def properties(self, logical: str) -> dict[str, Any]:
        """A resource's properties, resolved."""
        return self.resolve(self.resources()[logical].get("Properties") or {})

    def outputs(self) -> dict[str, Any]:
        """The template's outputs whose ``Condition`` holds, resolved."""
        return {
            name: self.resolve(output["Value"])
            for name, output in (self.template.get("Outputs") or {}).items()
            if "Condition" not in output or self.condition(output["Condition"])
        }


@dataclass(frozen=True)
class EventSource:
    """An SQS event source mapping of the stack (``Emulator.poll_event_source`` runs its polls)."""

    function: str
    queue_url: str
    batch_size: int
    report_batch_item_failures: bool


@dataclass
class DeployedStack:
    """What ``deploy_stack`` created: physical ids and ARNs by logical id, and the resolved role policies."""

    resolver: Resolver
    arns: dict[str, str] = field(default_factory=dict)
    refs: dict[str, Any] = field(default_factory=dict)
    role_policies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    function_roles: dict[str, str] = field(default_factory=dict)
    function_handlers: dict[str, str] = field(default_factory=dict)
    event_sources: list[EventSource] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def outputs(self) -> dict[str, Any]:
        return self.resolver.outputs()

    def roles(self, trusting: str | None = None) -> dict[str, str]:
        """Role logical id -> ARN (only roles whose trust policy names ``trusting``, when given)."""
        found = {}
        for logical, resource in self.resolver.resources().items():
            if resource["Type"] != "AWS::IAM::Role":
                continue
            trust = self.resolver.resolve(resource["Properties"]["AssumeRolePolicyDocument"])
            services = [
                s for st in trust.get("Statement", []) for s in _as_list((st.get("Principal") or {}).get("Service", []))
            ]
            if trusting is None or trusting in services:
                found[logical] = self.arns[logical]
        return found

    def granted(self, role_logical: str) -> set[str]:
        """Every action the role's policies allow (resolved: a statement whose condition is false is gone)."""
        return {
            action
            for document in self.role_policies[role_logical]
            for statement in _as_list(document.get("Statement", []))
            if statement.get("Effect") == "Allow"
            for action in _as_list(statement.get("Action", []))
        }


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _placeholder_code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def import_handler(handler: str) -> LambdaHandler:
    """The callable a function's ``Handler`` names (``package.module.function``), imported as Lambda's Python
    runtime imports it."""
    module, _, name = handler.rpartition(".")
    if not module:
        raise TemplateError(f"Handler {handler!r} is not <module>.<function>")
    found = getattr(importlib.import_module(module), name, None)
    if not callable(found):
        raise TemplateError(f"Handler {handler!r}: {module} has no function {name}")
    return found


def deploy_stack(
    session: Any,
    template: Mapping[str, Any],
    *,
    stack_name: str,
    parameters: Mapping[str, Any] | None = None,
    handlers: Callable[[str], LambdaHandler] | None = import_handler,
    register: Callable[[str, LambdaHandler], Any] | None = None,
    definitions: Mapping[str, Mapping[str, Any]] | None = None,
) -> DeployedStack:
    """Create the stack's run-time resources in ``session``'s account and region (see the module docstring).

    ``handlers`` maps a function's ``Handler`` (``package.module.handler``) to the callable to
    run (default: the function it names); ``register`` is ``Emulator.register_lambda_handler``. ``definitions``
    replaces the ``Definition`` of state machines by logical id (``DefinitionSubstitutions`` still apply): a
    local run with shorter waits than the template's.
    """
    account = session.client("sts").get_caller_identity()["Account"]
    resolver = Resolver(
        template, stack_name=stack_name, account=account, region=session.region_name, parameters=parameters
    )
    stack = DeployedStack(resolver)
    resources = resolver.resources()
    order = (
        "AWS::KMS::Key",  # first: policies name its ARN, which KMS chooses
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::Logs::LogGroup",
        "AWS::S3::Bucket",
        "AWS::DynamoDB::Table",
        "AWS::SQS::Queue",
        "AWS::SQS::QueuePolicy",
        "AWS::Lambda::Function",
        "AWS::Lambda::EventInvokeConfig",
        "AWS::Lambda::EventSourceMapping",
        "AWS::StepFunctions::StateMachine",
        "AWS::RAM::Permission",
        "AWS::Events::Rule",
        "AWS::Lambda::Permission",
        "AWS::Scheduler::Schedule",
    )
    for logical, resource in resources.items():
        if resource["Type"] not in order:
            stack.skipped[logical] = resource["Type"]
        elif resource["Type"] not in ("AWS::SQS::QueuePolicy", "AWS::KMS::Key", "AWS::IAM::Policy"):
            stack.refs[logical] = resolver.ref(logical)
    creators: dict[str, Callable[[Any, DeployedStack, str, dict[str, Any]], None]] = {
        "AWS::KMS::Key": _kms_key,
        "AWS::IAM::ManagedPolicy": _managed_policy,
        "AWS::IAM::Role": _role,
        "AWS::Logs::LogGroup": _log_group,
        "AWS::S3::Bucket": _bucket,
        "AWS::SQS::Queue": _queue,
        "AWS::SQS::QueuePolicy": _queue_policy,
        "AWS::Lambda::EventInvokeConfig": _invoke_config,
        "AWS::Lambda::EventSourceMapping": _event_source,
        "AWS::StepFunctions::StateMachine": _state_machine,
        "AWS::RAM::Permission": _permission,
        "AWS::IAM::Policy": _role_policy,
        "AWS::DynamoDB::Table": _table,
        "AWS::Events::Rule": _rule,
        "AWS::Lambda::Permission": _function_permission,
        "AWS::Scheduler::Schedule": _schedule,
    }
    queues = sorted(
        (n for n, r in resources.items() if r["Type"] == "AWS::SQS::Queue"),
        key=lambda n: "RedrivePolicy" in (resources[n].get("Properties") or {}),
    )  # dead-letter queues first
    for kind in order:
        names = queues if kind == "AWS::SQS::Queue" else [n for n, r in resources.items() if r["Type"] == kind]
        for logical in names:
            props = resolver.properties(logical)
            if kind == "AWS::StepFunctions::StateMachine" and logical in (definitions or {}):
                props = {**props, "Definition": dict((definitions or {})[logical])}
                props.pop("DefinitionString", None)
            if kind == "AWS::Lambda::Function":
                _function(session, stack, logical, props, handlers, register)
            else:
                creators[kind](session, stack, logical, props)
    return stack


def _kms_key(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    kwargs: dict[str, Any] = {
        "Policy": json.dumps(props["KeyPolicy"]),
        "KeySpec": props.get("KeySpec", "SYMMETRIC_DEFAULT"),
        "KeyUsage": props.get("KeyUsage", "ENCRYPT_DECRYPT"),
    }
    if props.get("Description"):
        kwargs["Description"] = props["Description"]
    arn = session.client("kms").create_key(**kwargs)["KeyMetadata"]["Arn"]
    stack.resolver.created[logical] = arn
    stack.arns[logical] = arn
    stack.refs[logical] = stack.resolver.ref(logical)


def _managed_policy(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    name = stack.resolver.names[logical]
    stack.arns[logical] = session.client("iam").create_policy(
        PolicyName=name, Path=props.get("Path", "/"), PolicyDocument=json.dumps(props["PolicyDocument"])
    )["Policy"]["Arn"]


def _role(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    iam = session.client("iam")
    name = stack.resolver.names[logical]
    stack.arns[logical] = iam.create_role(
        RoleName=name,
        Path=props.get("Path", "/"),
        AssumeRolePolicyDocument=json.dumps(props["AssumeRolePolicyDocument"]),
    )["Role"]["Arn"]
    documents = []
    for policy in props.get("Policies", []):
        iam.put_role_policy(
            RoleName=name, PolicyName=policy["PolicyName"], PolicyDocument=json.dumps(policy["PolicyDocument"])
        )
        documents.append(policy["PolicyDocument"])
    managed = {arn: logical_id for logical_id, arn in stack.arns.items()}
    attached = list(props.get("ManagedPolicyArns", []))
    for other, resource in stack.resolver.resources().items():  # a managed policy may name its roles (Roles)
        if resource["Type"] == "AWS::IAM::ManagedPolicy" and name in stack.resolver.properties(other).get("Roles", []):
            attached.append(stack.arns[other])
    for arn in attached:
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
        if arn in managed:
            documents.append(stack.resolver.properties(managed[arn])["PolicyDocument"])
    stack.role_policies[logical] = documents


def _log_group(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    name = stack.resolver.names[logical]
    session.client("logs").create_log_group(logGroupName=name)
    if "RetentionInDays" in props:
        session.client("logs").put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))
    stack.arns[logical] = stack.resolver.arn(logical)


def _bucket(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    name = stack.resolver.names[logical]
    kwargs: dict[str, Any] = {"Bucket": name}
    if session.region_name != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": session.region_name}
    session.client("s3").create_bucket(**kwargs)
    stack.arns[logical] = stack.resolver.arn(logical)


QUEUE_ATTRIBUTES = {
    "VisibilityTimeout": "VisibilityTimeout",
    "MessageRetentionPeriod": "MessageRetentionPeriod",
    "SqsManagedSseEnabled": "SqsManagedSseEnabled",
    "DelaySeconds": "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
}


def _queue(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    attributes = {
        QUEUE_ATTRIBUTES[k]: str(v).lower() if isinstance(v, bool) else str(v)
        for k, v in props.items()
        if k in QUEUE_ATTRIBUTES
    }
    if "RedrivePolicy" in props:
        attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
    session.client("sqs").create_queue(QueueName=stack.resolver.names[logical], Attributes=attributes)
    stack.arns[logical] = stack.resolver.arn(logical)


def _queue_policy(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    for url in props["Queues"]:
        session.client("sqs").set_queue_attributes(
            QueueUrl=url, Attributes={"Policy": json.dumps(props["PolicyDocument"])}
        )


def _function(
    session: Any,
    stack: DeployedStack,
    logical: str,
    props: dict[str, Any],
    handlers: Callable[[str], LambdaHandler] | None,
    register: Callable[[str, LambdaHandler], Any] | None,
) -> None:
    kwargs: dict[str, Any] = {
        "FunctionName": stack.resolver.names[logical],
        "Runtime": props["Runtime"],
        "Role": props["Role"],
        "Handler": props["Handler"],
        "Code": {"ZipFile": _placeholder_code()},
        "Timeout": int(props.get("Timeout", 3)),
        "MemorySize": int(props.get("MemorySize", 128)),
    }
    if props.get("Environment"):
        kwargs["Environment"] = props["Environment"]
    if props.get("Description"):
        kwargs["Description"] = props["Description"]
    arn = session.client("lambda").create_function(**kwargs)["FunctionArn"]
    stack.arns[logical] = arn
    stack.function_roles[logical] = props["Role"]
    stack.function_handlers[logical] = props["Handler"]
    if handlers is not None and register is not None:
        register(arn, handlers(props["Handler"]))


def _invoke_config(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    kwargs: dict[str, Any] = {k: props[k] for k in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds") if k in props}
    if "DestinationConfig" in props:
        kwargs["DestinationConfig"] = props["DestinationConfig"]
    session.client("lambda").put_function_event_invoke_config(
        FunctionName=props["FunctionName"], Qualifier=props.get("Qualifier", "$LATEST"), **kwargs
    )


def _event_source(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    source = str(props["EventSourceArn"])
    if source.split(":")[2] != "sqs":
        stack.skipped[logical] = "AWS::Lambda::EventSourceMapping (not SQS)"
        return
    _, _, _, region, account, name = source.split(":", 5)
    stack.event_sources.append(
        EventSource(
            function=str(props["FunctionName"]),
            queue_url=f"https://sqs.{region}.amazonaws.com/{account}/{name}",
            batch_size=int(props.get("BatchSize", 10)),
            report_batch_item_failures="ReportBatchItemFailures" in props.get("FunctionResponseTypes", []),
        )
    )


def _state_machine(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    definition = props.get("DefinitionString")
    if definition is None:
        definition = json.dumps(props["Definition"])
    for key, value in (props.get("DefinitionSubstitutions") or {}).items():
        definition = definition.replace("${" + key + "}", str(value))
    stack.arns[logical] = session.client("stepfunctions").create_state_machine(
        name=stack.resolver.names[logical],
        definition=definition,
        roleArn=props["RoleArn"],
        type=props.get("StateMachineType", "STANDARD"),
    )["stateMachineArn"]


def _permission(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    stack.arns[logical] = session.client("ram").create_permission(
        name=stack.resolver.names[logical],
        resourceType=props["ResourceType"],
        policyTemplate=json.dumps(props["PolicyTemplate"]),
    )["permission"]["arn"]


def _role_policy(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    """``AWS::IAM::Policy``: an inline policy put on each role it names (PutRolePolicy)."""
    by_name = {
        stack.resolver.names[r]: r for r, res in stack.resolver.resources().items() if res["Type"] == "AWS::IAM::Role"
    }
    for role in props.get("Roles", []):
        session.client("iam").put_role_policy(
            RoleName=role, PolicyName=props["PolicyName"], PolicyDocument=json.dumps(props["PolicyDocument"])
        )
        if role in by_name:
            stack.role_policies.setdefault(by_name[role], []).append(props["PolicyDocument"])


def _table(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    """``AWS::DynamoDB::Table`` (CreateTable), then its ``TimeToLiveSpecification`` (UpdateTimeToLive)."""
    name = stack.resolver.names[logical]
    dynamodb = session.client("dynamodb")
    kwargs: dict[str, Any] = {
        "TableName": name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
    }
    if "ProvisionedThroughput" in props:
        kwargs["ProvisionedThroughput"] = props["ProvisionedThroughput"]
    if "SSESpecification" in props:
        kwargs["SSESpecification"] = {"Enabled": bool(props["SSESpecification"].get("SSEEnabled"))}
    stack.arns[logical] = dynamodb.create_table(**kwargs)["TableDescription"]["TableArn"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        spec = {"AttributeName": ttl["AttributeName"], "Enabled": bool(ttl.get("Enabled"))}
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=spec)


RULE_TARGET_KEYS = ("Id", "Arn", "RoleArn", "Input", "InputPath", "RetryPolicy", "DeadLetterConfig")


def _rule(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    """``AWS::Events::Rule`` on the default bus (PutRule with its pattern, PutTargets)."""
    name = stack.resolver.names[logical]
    events = session.client("events")
    kwargs: dict[str, Any] = {"Name": name, "State": props.get("State", "ENABLED")}
    if "EventPattern" in props:
        kwargs["EventPattern"] = json.dumps(props["EventPattern"])
    if props.get("Description"):
        kwargs["Description"] = props["Description"]
    stack.arns[logical] = events.put_rule(**kwargs)["RuleArn"]
    targets = [{k: t[k] for k in RULE_TARGET_KEYS if k in t} for t in props.get("Targets", [])]
    if targets:
        events.put_targets(Rule=name, Targets=targets)


def _function_permission(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    """``AWS::Lambda::Permission``: a statement of the function's resource-based policy (AddPermission)."""
    kwargs: dict[str, Any] = {
        "FunctionName": props["FunctionName"],
        "StatementId": logical,
        "Action": props["Action"],
        "Principal": props["Principal"],
    }
    for key in ("SourceArn", "SourceAccount"):
        if key in props:
            kwargs[key] = props[key]
    session.client("lambda").add_permission(**kwargs)


def _schedule(session: Any, stack: DeployedStack, logical: str, props: dict[str, Any]) -> None:
    """``AWS::Scheduler::Schedule`` in the default group (CreateSchedule)."""
    kwargs: dict[str, Any] = {
        "Name": stack.resolver.names[logical],
        "ScheduleExpression": props["ScheduleExpression"],
        "FlexibleTimeWindow": props["FlexibleTimeWindow"],
        "Target": props["Target"],
    }
    for key in ("Description", "State", "ScheduleExpressionTimezone", "StartDate", "EndDate"):
        if key in props:
            kwargs[key] = props[key]
    stack.arns[logical] = session.client("scheduler").create_schedule(**kwargs)["ScheduleArn"]
