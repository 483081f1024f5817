"""``AWS::Scheduler::Schedule`` for moto's CloudFormation (moto 5.2.5 has no model for it and would skip it).

Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-scheduler-schedule.html (the
properties are CreateSchedule's; ``Ref`` returns the schedule name, ``Fn::GetAtt`` ``Arn`` its ARN).
moto finds CloudFormation models among ``CloudFormationModel``'s direct subclasses; ``patches.apply`` clears its
cached model list so this one is found.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.scheduler.models import Schedule, scheduler_backends


# ``properties`` is template JSON, handed on as moto's own CreateSchedule response handler hands on request fields
# (Any): moto annotates the optional ones (Description, EndDate ...) as str, yet takes None for them.
def _create(name: str, properties: Any, account_id: str, region_name: str) -> Schedule:
    return scheduler_backends[account_id][region_name].create_schedule(
        description=properties.get("Description"),
        end_date=properties.get("EndDate"),
        flexible_time_window=properties.get("FlexibleTimeWindow") or {"Mode": "OFF"},
        group_name=properties.get("GroupName"),
        kms_key_arn=properties.get("KmsKeyArn"),
        name=name,
        schedule_expression=properties["ScheduleExpression"],
        schedule_expression_timezone=properties.get("ScheduleExpressionTimezone"),
        start_date=properties.get("StartDate"),
        state=properties.get("State"),
        target=dict(properties["Target"]),
        action_after_completion=None,
    )


class ScheduleResource(CloudFormationModel):
    """A schedule made by a stack."""

    def __init__(self, schedule: Schedule, account_id: str, region_name: str) -> None:
        self.schedule = schedule
        self.account_id = account_id
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return self.schedule.name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Scheduler::Schedule"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Arn":
            return self.schedule.arn
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ScheduleResource:
        properties = cloudformation_json["Properties"]
        name = properties.get("Name") or resource_name
        return cls(_create(name, properties, account_id, region_name), account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: ScheduleResource,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> ScheduleResource:
        old = original_resource.schedule
        scheduler_backends[account_id][region_name].delete_schedule(old.group_name, old.name)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        properties = cloudformation_json["Properties"]
        name = properties.get("Name") or resource_name
        scheduler_backends[account_id][region_name].delete_schedule(properties.get("GroupName"), name)

    def is_created(self) -> bool:
        return True
