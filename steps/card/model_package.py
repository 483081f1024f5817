"""Build ``model_package_details`` from a DescribeModelPackage response (pure function).

The result is checked against the card content model, so a value the card cannot hold (an approval status
outside its enum, an empty name, a too-long image) is refused as a ``BadInputError`` naming the
DescribeModelPackage field, never left for the final validation of the whole card.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from mcgov.errors import BadInputError, describe_validation_error
from mcgov.steps.card.content import ModelPackageDetails
from mcgov.steps.card.naming import truncate_text

_SCALARS = (
    ("ModelPackageArn", "model_package_arn", 2048),
    ("ModelPackageName", "model_package_name", 63),
    ("ModelPackageGroupName", "model_package_group_name", 63),
    ("ModelPackageDescription", "model_package_description", 1024),
    ("ModelPackageStatus", "model_package_status", None),
    ("ModelApprovalStatus", "model_approval_status", None),
    ("ApprovalDescription", "approval_description", 1024),
    ("Domain", "domain", None),
    ("Task", "task", None),
)


def model_package_details(description: Any, *, source: str = "<model package>") -> dict[str, Any]:
    """Map DescribeModelPackage to ``model_package_details``: ARN, group, version, approval, containers, algorithm."""
    if not isinstance(description, dict):
        raise BadInputError("a DescribeModelPackage response must be a JSON object", source=source)
    if not isinstance(description.get("ModelPackageArn"), str):
        raise BadInputError(
            "missing ModelPackageArn: pass a DescribeModelPackage response", source=source, field="ModelPackageArn"
        )
    out: dict[str, Any] = {}
    for key, target, max_length in _SCALARS:
        value = description.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise BadInputError(f"expected a string, got {type(value).__name__}", source=source, field=key)
        out[target] = truncate_text(value, max_length) if max_length else value
    version = description.get("ModelPackageVersion")
    if version is not None:
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise BadInputError("expected a positive integer", source=source, field="ModelPackageVersion")
        out["model_package_version"] = version
    creator = description.get("CreatedBy")
    if isinstance(creator, dict) and isinstance(creator.get("UserProfileName"), str):
        out["created_by"] = {"user_profile_name": creator["UserProfileName"][:63]}
    containers = _list(description, ("InferenceSpecification", "Containers"), source)
    if containers:
        out["inference_specification"] = {
            "containers": [_container(c, i, source) for i, c in enumerate(containers[:15])]
        }
    algorithms = _list(description, ("SourceAlgorithmSpecification", "SourceAlgorithms"), source)
    if algorithms:
        first = algorithms[0]
        if not isinstance(first, dict) or not isinstance(first.get("AlgorithmName"), str):
            raise BadInputError(
                "AlgorithmName is required",
                source=source,
                field="SourceAlgorithmSpecification.SourceAlgorithms[0].AlgorithmName",
            )
        algorithm = {"algorithm_name": first["AlgorithmName"][:170]}
        if isinstance(first.get("ModelDataUrl"), str):
            algorithm["model_data_url"] = first["ModelDataUrl"]
        out["source_algorithms"] = [algorithm]
    _check(out, source)
    return out


_WIRE_NAMES = {"source_algorithms": "SourceAlgorithmSpecification.SourceAlgorithms"}


def _check(details: dict[str, Any], source: str) -> None:
    """Refuse details the card content model rejects, naming the DescribeModelPackage field."""
    try:
        ModelPackageDetails.model_validate(details)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        loc = [
            part if isinstance(part, int) else _WIRE_NAMES.get(part, part.title().replace("_", ""))
            for part in errors[0]["loc"]
        ]
        field, message = describe_validation_error([{**errors[0], "loc": loc}, *errors[1:]])
        if not field and ": " in message:  # a model-level check names the field in its message
            name, message = message.split(": ", 1)
            field = _WIRE_NAMES.get(name, name.title().replace("_", ""))
        raise BadInputError(message, source=source, field=field) from None


def _list(description: dict[str, Any], path: tuple[str, str], source: str) -> list[Any]:
    parent = description.get(path[0])
    if parent is None:
        return []
    if not isinstance(parent, dict):
        raise BadInputError(f"expected an object, got {type(parent).__name__}", source=source, field=path[0])
    value = parent.get(path[1])
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadInputError("expected a list", source=source, field=".".join(path))
    return value


def _container(container: Any, index: int, source: str) -> dict[str, Any]:
    field = f"InferenceSpecification.Containers[{index}]"
    if not isinstance(container, dict) or not isinstance(container.get("Image"), str):
        raise BadInputError("each container needs an Image string", source=source, field=field)
    out: dict[str, Any] = {"image": container["Image"]}
    if isinstance(container.get("ModelDataUrl"), str):
        out["model_data_url"] = container["ModelDataUrl"]
    if isinstance(container.get("NearestModelName"), str):
        out["nearest_model_name"] = container["NearestModelName"]
    return out
