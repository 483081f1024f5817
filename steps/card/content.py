"""Pydantic models of SageMaker model-card content, as ``CreateModelCard.Content`` takes it (snake_case).

The models enforce what the published JSON schema forgets (see ``shared/reference/model-card-schema/NOTES.md``):
anchored name lengths, list caps, string lengths, the 20 x 20 matrix, enums, finite numbers, value types
per metric type, and ``extra="forbid"`` everywhere (``metric_groups`` items included).
Field order follows the service's section order, so dumping a model gives a deterministic text.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mcgov.steps.card import limits as L
from mcgov.text import first_hidden

Text1024 = Annotated[str, Field(max_length=1024)]
Text2048 = Annotated[str, Field(max_length=2048)]
Uri = Annotated[str, Field(max_length=L.URI_MAX)]
AxisName = Annotated[str, Field(max_length=L.AXIS_NAME_MAX)]
GroupName = Annotated[str, Field(min_length=1, max_length=L.GROUP_NAME_MAX, pattern=r"^.+$")]
MetricName = Annotated[str, Field(min_length=1, max_length=L.METRIC_NAME_MAX, pattern=r"^.+$")]
Notes = Annotated[str, Field(max_length=L.NOTES_MAX)]
Number = int | float
UriList = Annotated[list[Uri], Field(max_length=L.MAX_URI_LIST)]
RiskRating = Literal["High", "Medium", "Low", "Unknown"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, defer_build=True)

    @model_validator(mode="after")
    def _no_hidden_characters(self) -> Any:
        for name, value in self:
            if isinstance(value, (str, list, dict)) and not isinstance(value, BaseModel):
                character = first_hidden(value)  # tab and line feed are text; every other hidden character is not
                if character:
                    raise ValueError(f"{name}: control, format or invisible character {character}; remove it")
        return self


class InferenceEnvironment(_Model):
    container_image: UriList | None = None


class ModelOverview(_Model):
    model_description: Text1024 | None = None
    model_owner: Text1024 | None = None
    model_creator: Text1024 | None = None
    problem_type: Text1024 | None = None
    algorithm_type: Text1024 | None = None
    model_id: Text1024 | None = None
    model_artifact: UriList | None = None
    model_name: Text1024 | None = None
    model_version: Annotated[Number, Field(ge=1)] | None = None
    inference_environment: InferenceEnvironment | None = None


class IntendedUses(_Model):
    purpose_of_model: Text2048 | None = None
    intended_uses: Text2048 | None = None
    factors_affecting_model_efficiency: Text2048 | None = None
    risk_rating: RiskRating | None = None
    explanations_for_risk_rating: Text2048 | None = None


class BusinessDetails(_Model):
    business_problem: Text2048 | None = None
    business_stakeholders: Text2048 | None = None
    line_of_business: Text2048 | None = None


class ObjectiveFunctionSpec(_Model):
    function: Literal["Maximize", "Minimize"] | None = None
    facet: Annotated[str, Field(max_length=63)] | None = None
    condition: Annotated[str, Field(max_length=63)] | None = None


class ObjectiveFunction(_Model):
    function: ObjectiveFunctionSpec | None = None
    notes: Notes | None = None


class TrainingMetric(_Model):
    name: MetricName
    notes: Notes | None = None
    value: Number


class HyperParameter(_Model):
    name: MetricName
    value: Annotated[str, Field(max_length=L.HYPERPARAMETER_VALUE_MAX)] | None = None


class TrainingEnvironment(_Model):
    container_image: UriList | None = None


class TrainingJobDetails(_Model):
    training_arn: Text1024 | None = None
    training_datasets: UriList | None = None
    training_environment: TrainingEnvironment | None = None
    training_metrics: Annotated[list[TrainingMetric], Field(max_length=L.MAX_TRAINING_METRICS)] | None = None
    user_provided_training_metrics: Annotated[list[TrainingMetric], Field(max_length=L.MAX_TRAINING_METRICS)] | None = (
        None
    )
    hyper_parameters: Annotated[list[HyperParameter], Field(max_length=L.MAX_HYPERPARAMETERS)] | None = None
    user_provided_hyper_parameters: Annotated[list[HyperParameter], Field(max_length=L.MAX_HYPERPARAMETERS)] | None = (
        None
    )


class TrainingDetails(_Model):
    objective_function: ObjectiveFunction | None = None
    training_observations: Text1024 | None = None
    training_job_details: TrainingJobDetails | None = None


class _Metric(_Model):
    name: MetricName
    notes: Notes | None = None


class SimpleMetric(_Metric):
    type: Literal["number", "string", "boolean"]
    value: Number | bool | Annotated[str, Field(max_length=L.STRING_METRIC_VALUE_MAX)]
    x_axis_name: AxisName | None = None
    y_axis_name: AxisName | None = None

    @model_validator(mode="after")
    def _value_matches_type(self) -> SimpleMetric:
        expected = {"number": (int, float), "string": (str,), "boolean": (bool,)}[self.type]
        is_bool = isinstance(self.value, bool)
        if not isinstance(self.value, expected) or (self.type == "number" and is_bool):
            raise ValueError(f"value: a {type(self.value).__name__} does not match type {self.type!r}")
        return self


class LinearGraphMetric(_Metric):
    type: Literal["linear_graph"]
    value: Annotated[list[Annotated[list[Number], Field(min_length=2, max_length=2)]], Field(min_length=1)]
    x_axis_name: AxisName | None = None
    y_axis_name: AxisName | None = None


class BarChartMetric(_Metric):
    type: Literal["bar_chart"]
    value: Annotated[list[Number], Field(min_length=1)]
    x_axis_name: list[AxisName] | None = None
    y_axis_name: AxisName | None = None


class MatrixMetric(_Metric):
    type: Literal["matrix"]
    value: Annotated[
        list[Annotated[list[Number], Field(min_length=1, max_length=L.MATRIX_MAX_SIDE)]],
        Field(min_length=1, max_length=L.MATRIX_MAX_SIDE),
    ]
    x_axis_name: list[AxisName] | None = None
    y_axis_name: list[AxisName] | None = None

    @model_validator(mode="after")
    def _rectangular(self) -> MatrixMetric:
        widths = {len(row) for row in self.value}
        if len(widths) > 1:
            raise ValueError(f"matrix rows must all have the same length (got {sorted(widths)})")
        return self


Metric = Annotated[SimpleMetric | LinearGraphMetric | BarChartMetric | MatrixMetric, Field(discriminator="type")]


class MetricGroup(_Model):
    name: GroupName
    metric_data: list[Metric]


class EvaluationJob(_Model):
    name: GroupName
    evaluation_observation: Annotated[str, Field(max_length=L.EVALUATION_OBSERVATION_MAX)] | None = None
    evaluation_job_arn: Annotated[str, Field(max_length=L.EVALUATION_JOB_ARN_MAX)] | None = None
    datasets: Annotated[list[Uri], Field(max_length=L.MAX_EVALUATION_DATASETS)] | None = None
    metadata: dict[str, Annotated[str, Field(max_length=L.CUSTOM_DETAIL_MAX)]] | None = None
    metric_groups: list[MetricGroup] | None = None


class AdditionalInformation(_Model):
    ethical_considerations: Text2048 | None = None
    caveats_and_recommendations: Text2048 | None = None
    custom_details: dict[str, Annotated[str, Field(max_length=L.CUSTOM_DETAIL_MAX)]] | None = None


class ModelPackageCreator(_Model):
    user_profile_name: Annotated[str, Field(max_length=63)] | None = None


class SourceAlgorithm(_Model):
    algorithm_name: Annotated[str, Field(max_length=170)]
    model_data_url: Uri | None = None


class InferenceContainer(_Model):
    image: Annotated[str, Field(max_length=255)]
    model_data_url: Uri | None = None
    nearest_model_name: str | None = None


class InferenceSpecification(_Model):
    containers: Annotated[list[InferenceContainer], Field(min_length=1, max_length=15)]


class ModelPackageDetails(_Model):
    model_package_description: Text1024 | None = None
    model_package_arn: Annotated[str, Field(min_length=1, max_length=2048)] | None = None
    created_by: ModelPackageCreator | None = None
    model_package_status: Literal["Pending", "InProgress", "Completed", "Failed", "Deleting"] | None = None
    model_approval_status: Literal["Approved", "Rejected", "PendingManualApproval"] | None = None
    approval_description: Text1024 | None = None
    model_package_group_name: Annotated[str, Field(min_length=1, max_length=63, pattern=r"^.+$")] | None = None
    model_package_name: Annotated[str, Field(min_length=1, max_length=63, pattern=r"^.+$")] | None = None
    model_package_version: Annotated[Number, Field(ge=1)] | None = None
    domain: str | None = None
    task: str | None = None
    source_algorithms: Annotated[list[SourceAlgorithm], Field(min_length=1, max_length=1)] | None = None
    inference_specification: InferenceSpecification | None = None


class ModelCardContent(_Model):
    """The whole card content. Every section is optional, as in the service."""

    model_overview: ModelOverview | None = None
    intended_uses: IntendedUses | None = None
    business_details: BusinessDetails | None = None
    training_details: TrainingDetails | None = None
    evaluation_details: list[EvaluationJob] | None = None
    additional_information: AdditionalInformation | None = None
    model_package_details: ModelPackageDetails | None = None


SECTIONS: tuple[str, ...] = tuple(ModelCardContent.model_fields)
