"""CloudFormation resource types the governance stack uses that moto 5.2.5's CloudFormation does not create.

moto creates a stack's resources through ``CloudFormationModel`` subclasses (``moto.cloudformation.parsing``); a type
without one is skipped with a warning, and a ``Fn::GetAtt`` on it fails the whole stack. The stack template
(``mcgov stack template``) has four such types; each model here creates the resource through the backend the
matching API call uses, so the stack deploys on the emulator and its resources can be read back:

* ``AWS::RAM::Permission`` -> RAM ``CreatePermission`` (the emulator's RAM backend); ``Arn`` as ``GetAtt``;
* ``AWS::SQS::QueuePolicy`` -> SQS ``SetQueueAttributes`` ``Policy`` on each queue of ``Queues``;
* ``AWS::CloudWatch::Alarm`` -> CloudWatch ``PutMetricAlarm``;
* ``AWS::Lambda::EventInvokeConfig`` -> Lambda ``PutFunctionEventInvokeConfig``.

And one it creates wrongly: moto's ``AWS::StepFunctions::StateMachine`` reads only ``DefinitionString`` (the
template's ``Definition`` object and its ``DefinitionSubstitutions`` are ignored) and writes to the state machine
backend the API does not read when state machines execute; the model here replaces it: ``Definition`` as JSON,
each ``${Name}`` of ``DefinitionSubstitutions`` replaced, created through the backend Step Functions' API uses.

Properties are those of the CloudFormation resource reference (AWS::RAM::Permission, AWS::SQS::QueuePolicy,
AWS::CloudWatch::Alarm, AWS::Lambda::EventInvokeConfig); docs/emulator.md lists the sources. ``register()`` makes
moto see them (its model list is cached on first use) and removes ``AWS::NoValue`` list items as CloudFormation
does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar

from moto.awslambda.utils import get_backend as lambda_backend
from moto.cloudformation import parsing
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.common_models import CloudFormationModel
from moto.ram.models import ram_backends
from moto.sqs.models import sqs_backends
from moto.stepfunctions.models import StateMachine
from moto.stepfunctions.responses import get_backend as stepfunctions_backend

from mcgov.emulator.ram.models import EmulatorRamBackend


class _Created:
    """A resource created through its service's backend; only its physical id and attributes are kept. (Each model
    names ``CloudFormationModel`` as a direct base: moto lists models with ``__subclasses__()``, direct ones only.)"""

    attributes: dict[str, str] = {}
    create_from_cloudformation_json: ClassVar[Callable[..., Any]]  # each model defines its own

    def __init__(self, physical_id: str, attributes: dict[str, str] | None = None) -> None:
        self.physical_resource_id = physical_id
        self.attributes = attributes or {}

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.cfn_attributes()

    @classmethod
    def cfn_attributes(cls) -> tuple[str, ...]:
        return ()

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.attributes[attribute_name]

    def is_created(self) -> bool:
        return True

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        return None


class RamPermission(_Created, CloudFormationModel):
    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::RAM::Permission"

    @classmethod
    def cfn_attributes(cls) -> tuple[str, ...]:
        return ("Arn", "Version", "PermissionType", "IsResourceTypeDefault")

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> RamPermission:
        properties = cloudformation_json["Properties"]
        backend = ram_backends[account_id][region_name]
        assert isinstance(backend, EmulatorRamBackend), "the emulator's RAM backend (patches.apply)"
        permission = backend.create_permission(
            properties.get("Name", resource_name),
            properties.get("ResourceType"),
            json.dumps(properties.get("PolicyTemplate")),
            [{"key": t["Key"], "value": t["Value"]} for t in properties.get("Tags", [])],
        )
        attributes = {"Arn": permission.arn, "Version": "1", "PermissionType": "CUSTOMER_MANAGED"}
        return cls(permission.arn, {**attributes, "IsResourceTypeDefault": "false"})


class SqsQueuePolicy(_Created, CloudFormationModel):
    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SQS::QueuePolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> SqsQueuePolicy:
        properties = cloudformation_json["Properties"]
        backend = sqs_backends[account_id][region_name]
        for url in properties["Queues"]:
            backend.set_queue_attributes(
                url.rstrip("/").rsplit("/", 1)[-1], {"Policy": json.dumps(properties["PolicyDocument"])}
            )
        return cls(resource_name)


class CloudWatchAlarm(_Created, CloudFormationModel):
    @staticmethod
    def cloudformation_name_type() -> str:
        return "AlarmName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudWatch::Alarm"

    @classmethod
    def cfn_attributes(cls) -> tuple[str, ...]:
        return ("Arn",)

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> CloudWatchAlarm:
        p = cloudformation_json["Properties"]
        alarm = cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=p.get("AlarmName", resource_name),
            namespace=p.get("Namespace"),
            metric_name=p.get("MetricName"),
            comparison_operator=p["ComparisonOperator"],
            evaluation_periods=int(p["EvaluationPeriods"]),
            period=int(p["Period"]) if "Period" in p else None,  # type: ignore[arg-type]
            threshold=float(p["Threshold"]),
            statistic=p.get("Statistic"),
            description=p.get("AlarmDescription"),
            dimensions=p.get("Dimensions", []),
            alarm_actions=p.get("AlarmActions", []),
            treat_missing_data=p.get("TreatMissingData"),
        )
        return cls(alarm.name, {"Arn": alarm.alarm_arn})


class LambdaEventInvokeConfig(_Created, CloudFormationModel):
    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::EventInvokeConfig"

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> LambdaEventInvokeConfig:
        p = cloudformation_json["Properties"]
        config = {k: p[k] for k in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig") if k in p}
        lambda_backend(account_id, region_name).put_function_event_invoke_config(p["FunctionName"], config)
        return cls(f"{p['FunctionName']}:{p.get('Qualifier', '$LATEST')}")


class StepFunctionsStateMachine(_Created, CloudFormationModel):
    @staticmethod
    def cloudformation_name_type() -> str:
        return "StateMachineName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::StepFunctions::StateMachine"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return StateMachine.has_cfn_attr(attr)

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> StateMachine:
        p = cloudformation_json["Properties"]
        definition = p.get("DefinitionString") or json.dumps(p.get("Definition", {}))
        for name, value in p.get("DefinitionSubstitutions", {}).items():
            definition = definition.replace("${" + name + "}", str(value))
        tags = [{"key": t["Key"], "value": t["Value"]} for t in p.get("Tags", [])]
        backend = stepfunctions_backend(account_id, region_name)
        return backend.create_state_machine(
            p.get("StateMachineName", resource_name), definition, p["RoleArn"], tags=tags
        )

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        stepfunctions_backend(account_id, region_name).delete_state_machine(resource_name)


def register() -> None:
    """Make moto's CloudFormation see the models above (its model list is cached once first read), and drop
    ``AWS::NoValue`` from lists as CloudFormation does (moto keeps a ``None`` there: an ``Fn::If`` statement that
    resolves to ``AWS::NoValue`` then makes IAM refuse the whole policy)."""
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    if "clean_json" not in _originals:
        _originals["clean_json"] = parsing.clean_json
        parsing.clean_json = _clean_json


def unregister() -> None:
    """Restore moto's ``clean_json`` (the models stay listed: moto has no model of its own for their types)."""
    if "clean_json" in _originals:
        parsing.clean_json = _originals.pop("clean_json")


_originals: dict[str, Any] = {}


def _clean_json(resource_json: Any, resources_map: Any) -> Any:
    """moto's ``clean_json``; in a list, an item that resolved to ``AWS::NoValue`` (``None``) is removed."""
    if isinstance(resource_json, list):
        cleaned = (_clean_json(item, resources_map) for item in resource_json)
        return [item for item in cleaned if item is not None]
    return _originals["clean_json"](resource_json, resources_map)
