"""Build ``training_details.training_job_details`` from a DescribeTrainingJob response (pure functions).

Improvements on SDK v2: training datasets are filled from ``InputDataConfig``; instance type/count, billable
seconds and the stopping condition go to ``additional_information.custom_details`` (``mcgov.training.*``);
secret-looking hyperparameters are redacted (and the card says so); ``Environment`` is never read; names and
values that exceed a limit are shortened deterministically and recorded, never dropped silently.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from mcgov.errors import BadInputError
from mcgov.steps.card import limits as L
from mcgov.steps.card.naming import shorten, single_line, truncate_text
from mcgov.steps.card.secrets import REDACTED, is_secret
from mcgov.steps.card.validation import validate_content


@dataclass(frozen=True)
class TrainingFacts:
    """What a training job contributes to a card: the job details and ``mcgov.training.*`` custom details."""

    training_job_details: dict[str, Any]
    custom_details: dict[str, str] = field(default_factory=dict)


def training_facts(description: Any, *, source: str = "<training job>") -> TrainingFacts:
    """Map a DescribeTrainingJob response (dict) to card content. Raises ``BadInputError`` on bad input."""
    if not isinstance(description, dict):
        raise BadInputError("a DescribeTrainingJob response must be a JSON object", source=source)
    arn = description.get("TrainingJobArn")
    if not isinstance(arn, str) or not arn:
        raise BadInputError(
            "missing TrainingJobArn: pass a DescribeTrainingJob response", source=source, field="TrainingJobArn"
        )
    details: dict[str, Any] = {"training_arn": truncate_text(arn, L.URI_MAX)}
    custom: dict[str, str] = {}
    notes: list[str] = []

    datasets = _datasets(description.get("InputDataConfig"), source)
    if len(datasets) > L.MAX_URI_LIST:
        notes.append(f"{len(datasets)} input channels; the card lists the first {L.MAX_URI_LIST}")
        datasets = datasets[: L.MAX_URI_LIST]
    if datasets:
        details["training_datasets"] = datasets

    algorithm = _dict(description.get("AlgorithmSpecification"), "AlgorithmSpecification", source)
    image = algorithm.get("TrainingImage")
    if image is not None:
        details["training_environment"] = {
            "container_image": [_string(image, "AlgorithmSpecification.TrainingImage", source, L.URI_MAX)]
        }
    if algorithm.get("AlgorithmName"):
        custom["mcgov.training.algorithm_name"] = _string(
            algorithm["AlgorithmName"], "AlgorithmSpecification.AlgorithmName", source, L.CUSTOM_DETAIL_MAX
        )

    metrics, metric_notes = _metrics(description.get("FinalMetricDataList"), source)
    notes += metric_notes
    if metrics:
        details["training_metrics"] = metrics

    params, redacted, param_notes = _hyperparameters(description.get("HyperParameters"), source)
    notes += param_notes
    if params:
        details["hyper_parameters"] = params
    if redacted:
        custom["mcgov.training.redacted_hyperparameters"] = truncate_text(
            "values hidden because their names or values look secret: " + ", ".join(redacted), L.CUSTOM_DETAIL_MAX
        )

    custom.update(_facts(description, source))
    if notes:
        custom["mcgov.training.notes"] = truncate_text("; ".join(notes), L.CUSTOM_DETAIL_MAX)
    _check(details, custom, source)
    return TrainingFacts(details, custom)


def _check(details: dict[str, Any], custom: dict[str, str], source: str) -> None:
    """Refuse facts the card content model rejects (a control character in the ARN, say), naming the field."""

    validate_content(
        {
            "training_details": {"training_job_details": details},
            "additional_information": {"custom_details": custom},
        },
        source=source,
    )


def _dict(value: Any, name: str, source: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadInputError(f"expected an object, got {type(value).__name__}", source=source, field=name)
    return value


def _string(value: Any, name: str, source: str, max_length: int) -> str:
    if not isinstance(value, str):
        raise BadInputError(f"expected a string, got {type(value).__name__}", source=source, field=name)
    return truncate_text(value, max_length)


def _datasets(channels: Any, source: str) -> list[str]:
    if channels is None:
        return []
    if not isinstance(channels, list):
        raise BadInputError("expected a list of channels", source=source, field="InputDataConfig")
    uris: list[str] = []
    for i, channel in enumerate(channels):
        channel = _dict(channel, f"InputDataConfig[{i}]", source)
        s3 = _dict(
            _dict(channel.get("DataSource"), f"InputDataConfig[{i}].DataSource", source).get("S3DataSource"),
            f"InputDataConfig[{i}].DataSource.S3DataSource",
            source,
        )
        if "S3Uri" in s3:
            uri = _string(s3["S3Uri"], f"InputDataConfig[{i}].DataSource.S3DataSource.S3Uri", source, L.URI_MAX)
            if uri not in uris:
                uris.append(uri)
    return uris


def _metrics(items: Any, source: str) -> tuple[list[dict[str, Any]], list[str]]:
    if items is None:
        return [], []
    if not isinstance(items, list):
        raise BadInputError("expected a list", source=source, field="FinalMetricDataList")
    metrics: list[dict[str, Any]] = []
    notes: list[str] = []
    skipped: list[str] = []
    for i, item in enumerate(items):
        item = _dict(item, f"FinalMetricDataList[{i}]", source)
        name = item.get("MetricName")
        value = item.get("Value")
        if not isinstance(name, str) or not name:
            raise BadInputError(
                "MetricName must be a non-empty string", source=source, field=f"FinalMetricDataList[{i}].MetricName"
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            skipped.append(name)
            continue
        metrics.append({"name": shorten(single_line(name), L.METRIC_NAME_MAX), "value": value})
    if skipped:
        notes.append("final metrics without a finite value: " + ", ".join(skipped))
    return _cap(metrics, L.MAX_TRAINING_METRICS, "final metrics", notes)


def _hyperparameters(params: Any, source: str) -> tuple[list[dict[str, str]], list[str], list[str]]:
    if params is None:
        return [], [], []
    if not isinstance(params, dict):
        raise BadInputError("expected an object of name -> value", source=source, field="HyperParameters")
    out: list[dict[str, str]] = []
    redacted: list[str] = []
    truncated: list[str] = []
    for name, value in params.items():
        if not str(name).strip():
            raise BadInputError("hyperparameter names must not be empty", source=source, field="HyperParameters")
        shown = shorten(single_line(str(name)), L.METRIC_NAME_MAX)
        text = value if isinstance(value, str) else _json_scalar(value)
        if is_secret(str(name), text):
            redacted.append(shown)
            text = REDACTED
        elif len(text) > L.HYPERPARAMETER_VALUE_MAX:
            truncated.append(shown)
            text = truncate_text(text, L.HYPERPARAMETER_VALUE_MAX)
        out.append({"name": shown, "value": text})
    notes: list[str] = []
    if truncated:
        notes.append("hyperparameter values truncated to 255 characters: " + ", ".join(truncated))
    out, notes = _cap(out, L.MAX_HYPERPARAMETERS, "hyperparameters", notes)
    return out, redacted, notes


def _cap(
    items: list[dict[str, Any]], limit: int, what: str, notes: list[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Keep the first ``limit`` items and record, by name, the ones left out."""
    if len(items) > limit:
        left_out = ", ".join(item["name"] for item in items[limit:])
        notes = [*notes, f"{len(items)} {what}; the card keeps the first {limit}: {left_out} left out"]
    return items[:limit], notes


def _json_scalar(value: Any) -> str:

    return json.dumps(value, sort_keys=True, default=str)


def _facts(description: dict[str, Any], source: str) -> dict[str, str]:
    facts: dict[str, str] = {}
    for key, path in (
        ("mcgov.training.job_name", ("TrainingJobName",)),
        ("mcgov.training.status", ("TrainingJobStatus",)),
        ("mcgov.training.instance_type", ("ResourceConfig", "InstanceType")),
        ("mcgov.training.instance_count", ("ResourceConfig", "InstanceCount")),
        ("mcgov.training.volume_size_gb", ("ResourceConfig", "VolumeSizeInGB")),
        ("mcgov.training.training_time_seconds", ("TrainingTimeInSeconds",)),
        ("mcgov.training.billable_time_seconds", ("BillableTimeInSeconds",)),
        ("mcgov.training.max_runtime_seconds", ("StoppingCondition", "MaxRuntimeInSeconds")),
        ("mcgov.training.max_wait_seconds", ("StoppingCondition", "MaxWaitTimeInSeconds")),
        ("mcgov.training.model_artifacts", ("ModelArtifacts", "S3ModelArtifacts")),
        ("mcgov.training.spot_training", ("EnableManagedSpotTraining",)),
    ):
        value: Any = description
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, (str, int, float, bool)) and value != "":
            facts[key] = truncate_text(
                str(value).lower() if isinstance(value, bool) else str(value), L.CUSTOM_DETAIL_MAX
            )
    return facts
