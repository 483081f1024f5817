"""The imperative shell of card population: load the sources, build, compare, publish.

Used by ``mcgov card`` and the populate-card Lambda. AWS clients are passed in; nothing is written until
the whole content has been built and validated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from mcgov.errors import BadInputError
from mcgov.parsing import MODEL_PACKAGE, TRAINING_JOB
from mcgov.steps.card.build import BuildInputs, ReportInput, build_content
from mcgov.steps.card.exceptions import CardError
from mcgov.steps.card.identifiers import validate_card_name, validate_card_status
from mcgov.steps.card.io import load_json
from mcgov.steps.card.store import CardStore, PublishResult
from mcgov.steps.card.template import load_template
from mcgov.steps.card.validation import serialize_content
from mcgov.steps.common.aws import AwsErrorKind, aws_failure


@dataclass(frozen=True)
class CardSources:
    """Where a card's inputs live: local paths, ``s3://`` URIs, or names/ARNs to describe."""

    training_job_path: str | None = None
    training_job_name: str | None = None
    evaluations: tuple[str, ...] = ()
    evaluation_format: str | None = None
    model_package: str | None = None  # a DescribeModelPackage JSON file, or a model package ARN
    template: str | None = None
    pipeline_execution_arn: str | None = None


def load_inputs(
    sources: CardSources, *, s3: Any = None, sagemaker: Any = None, existing: dict[str, Any] | None = None
) -> BuildInputs:
    """Read every source; raises a ``BadInputError`` naming the first bad one."""
    training_job, training_source = None, "<training job>"
    if sources.training_job_path:
        training_source = sources.training_job_path
        training_job = load_json(sources.training_job_path, s3_client=s3, limit=TRAINING_JOB).data
    elif sources.training_job_name:
        training_source = f"training job {sources.training_job_name}"
        training_job = describe_training_job(sagemaker, sources.training_job_name)
    reports = tuple(
        ReportInput(doc.location, doc.data, doc.sha256, sources.evaluation_format)
        for doc in (load_json(location, s3_client=s3) for location in sources.evaluations)
    )
    package, package_source = None, "<model package>"
    if sources.model_package:
        package_source = sources.model_package
        if sources.model_package.startswith("arn:"):
            package = describe_model_package(sagemaker, sources.model_package)
        else:
            package = load_json(sources.model_package, s3_client=s3, limit=MODEL_PACKAGE).data
    template = load_template(sources.template, s3_client=s3) if sources.template else None
    return BuildInputs(
        training_job=training_job,
        training_job_source=training_source,
        reports=reports,
        template=template,
        model_package=package,
        model_package_source=package_source,
        existing=existing,
        pipeline_execution_arn=sources.pipeline_execution_arn,
    )


def build_card(
    sources: CardSources, *, s3: Any = None, sagemaker: Any = None, existing: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Build validated content (offline when every source is a local file)."""
    return build_content(load_inputs(sources, s3=s3, sagemaker=sagemaker, existing=existing))


def populate_card(
    name: str,
    sources: CardSources,
    *,
    sagemaker: Any,
    s3: Any = None,
    status: str | None = None,
    kms_key_id: str | None = None,
) -> PublishResult:
    """Build the card from ``sources`` merged with the current card, then publish it (idempotent).

    The status rules are ``CardStore.publish``'s: never Approved, changed content of an Approved card goes back
    to PendingReview, and an Archived card stays Archived (refused when the content would change).
    """
    validate_card_name(name)
    if status is not None:
        validate_card_status(status)
    store = CardStore(sagemaker)
    current = store.find(name)
    existing = json.loads(current["Content"]) if current and current.get("Content") else None
    content = build_card(sources, s3=s3, sagemaker=sagemaker, existing=existing)
    return store.publish(name, serialize_content(content), status=status, current=current, kms_key_id=kms_key_id)


def publish_content(
    name: str, content: dict[str, Any], *, sagemaker: Any, status: str | None = None, kms_key_id: str | None = None
) -> PublishResult:
    return CardStore(sagemaker).publish(
        validate_card_name(name), serialize_content(content), status=status, kms_key_id=kms_key_id
    )


def describe_training_job(sagemaker: Any, name: str) -> dict[str, Any]:
    return _describe(
        lambda: sagemaker.describe_training_job(TrainingJobName=name),
        "DescribeTrainingJob",
        name,
        BadInputError,
        f"training job {name}",
        "Check the training job name and region.",
    )


def describe_model_package(sagemaker: Any, arn: str) -> dict[str, Any]:
    return _describe(
        lambda: sagemaker.describe_model_package(ModelPackageName=arn),
        "DescribeModelPackage",
        arn,
        BadInputError,
        arn,
        "Check the model package ARN and region.",
    )


def _describe(
    call: Callable[[], dict[str, Any]],
    operation: str,
    name: str,
    input_error: type[BadInputError],
    source: str,
    fix: str,
) -> dict[str, Any]:
    """Run a describe call: a wrong name is bad input; throttling, 5xx and network errors may pass on a retry."""
    try:
        return call()
    except (BotoCoreError, ClientError) as exc:
        failure = aws_failure(exc, "sagemaker", operation)
        assert failure is not None
    if failure.kind in _INPUT_ERROR_KINDS:
        raise input_error(f"{operation} failed: {failure.text}. {fix}", source=source)
    raise CardError(f"{operation} {name} failed: {failure.text}; retry later", failure=failure)


_INPUT_ERROR_KINDS = (AwsErrorKind.NOT_FOUND, AwsErrorKind.INVALID, AwsErrorKind.ACCESS_DENIED)
