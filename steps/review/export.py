"""Export a card to PDF through SageMaker: CreateModelCardExportJob, then DescribeModelCardExportJob until done.

A thin adapter over an injected boto3 ``sagemaker`` client. A consumer account exports a shared card by its ARN
when the share's RAM permission is ``AWSRAMPermissionSageMakerModelCardsAllowExport`` and its IAM policy grants the
two export actions and ``s3:PutObject`` on the output prefix (``mcgov policy render-iam``). SageMaker writes the
PDF with the caller's permissions: a job fails, with the service's FailureReason, when the caller cannot write
to the bucket.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError

from mcgov import clock as wait_clock
from mcgov import identifiers as ids
from mcgov.errors import BadInputError
from mcgov.steps.common.aws import AwsErrorKind, aws_failure
from mcgov.steps.review.exceptions import ReviewError

MAX_WAIT_SECONDS = 3600.0
DEFAULT_WAIT_SECONDS = 600.0
POLL_SECONDS = 4.0  # what the SageMaker Python SDK polls at (ModelCardExportJob.EXPORT_JOB_POLLING_FREQUENCY)
FIRST_POLL_SECONDS = 0.5  # polls start sooner and double up to POLL_SECONDS: a small card exports in seconds
JOB_NAME_MAX = 63
S3_OUTPUT_MAX = 1024


class ExportStatus(StrEnum):
    """``ModelCardExportJobStatus``."""

    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    FAILED = "Failed"


@dataclass(frozen=True)
class ExportJob:
    """What DescribeModelCardExportJob says about one job."""

    arn: str
    name: str
    status: ExportStatus
    card_name: str
    card_version: int | None
    output_path: str
    pdf_uri: str | None = None
    failure_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "pdf": self.pdf_uri,
            "status": self.status.value,
            "job_arn": self.arn,
            "job_name": self.name,
            "card_name": self.card_name,
            "card_version": self.card_version,
            "s3_output": self.output_path,
        }
        if self.failure_reason:
            out["failure_reason"] = self.failure_reason
        return out


def check_wait(value: Any, *, field: str = "--wait") -> float:
    """A wait in seconds: a finite number from 0 to ``MAX_WAIT_SECONDS``."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise BadInputError("not a number of seconds", source=field) from None
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_WAIT_SECONDS:
        raise BadInputError(f"must be a finite number of seconds from 0 to {MAX_WAIT_SECONDS:g}", source=field)
    return seconds


def check_s3_output(value: Any, *, field: str = "--s3-output") -> str:
    """An S3 output path ``s3://bucket[/prefix]`` (bucket-name rules, no control characters, <= 1024 chars)."""
    bucket, _, prefix = value.removeprefix("s3://").partition("/") if isinstance(value, str) else ("", "", "")
    valid = (
        isinstance(value, str)
        and value.startswith("s3://")
        and len(value) <= S3_OUTPUT_MAX
        and ids.matches(ids.S3_PREFIX, f"s3://{bucket}/")
        and ".." not in bucket
        and not any(c < " " or c == "\x7f" for c in prefix)
    )
    if not valid:
        raise BadInputError("not an S3 output path (s3://bucket/prefix)", source=field)
    return str(value)


def check_version(value: Any, *, field: str = "--version") -> int | None:
    """A card version: a positive integer, or None for the latest."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**31 - 1:
        raise BadInputError("not a card version (a positive integer)", source=field)
    return value


def card_name_of(name_or_arn: str) -> str:
    """The card name of a name or card ARN; bad input otherwise."""
    match = ids.parse_card_arn(name_or_arn)
    name = match["name"] if match else name_or_arn
    if not ids.is_card_name(name):
        raise BadInputError("not a model-card name or ARN", source="NAME_OR_ARN")
    return name


def export_job_name(card_name: str, version: int | None, *, salt: str) -> str:
    """A job name of the service's pattern, at most 63 characters: ``<card>-v<N>-<8 hex>`` (``latest`` without a
    version), the card name shortened when needed. The hash is of the card, version and ``salt`` (a time stamp),
    so a name says what it exports and two exports of the same version get different names."""
    digest = hashlib.sha256(f"{card_name}\n{version}\n{salt}".encode()).hexdigest()[:8]
    tail = f"-v{version}-{digest}" if version is not None else f"-latest-{digest}"
    head = card_name[: JOB_NAME_MAX - len(tail)].rstrip("-")
    name = f"{head}{tail}"
    assert ids.matches(ids.CARD_NAME, name, JOB_NAME_MAX), name
    return name


class CardExporter:
    """Model-card export jobs in one account and region (the caller's)."""

    def __init__(self, sagemaker_client: Any) -> None:
        self._sm = sagemaker_client

    def resolve_version(self, name_or_arn: str, version: int | None) -> int:
        """The card version an export of ``version`` (None: the latest) exports, read with DescribeModelCard."""
        kwargs: dict[str, Any] = {"ModelCardName": name_or_arn}
        if version is not None:
            kwargs["ModelCardVersion"] = version
        found = self._call("DescribeModelCard", name_or_arn, **kwargs).get("ModelCardVersion")
        if not isinstance(found, int):
            raise ReviewError(f"DescribeModelCard {name_or_arn} gave no ModelCardVersion")
        return found

    def start(self, name_or_arn: str, s3_output: str, *, version: int | None = None, job_name: str) -> str:
        """CreateModelCardExportJob; returns the job ARN."""
        kwargs: dict[str, Any] = {
            "ModelCardName": name_or_arn,
            "ModelCardExportJobName": job_name,
            "OutputConfig": {"S3OutputPath": s3_output},
        }
        if version is not None:
            kwargs["ModelCardVersion"] = version
        return str(self._call("CreateModelCardExportJob", name_or_arn, **kwargs)["ModelCardExportJobArn"])

    def describe(self, job_arn: str) -> ExportJob:
        """DescribeModelCardExportJob as an ``ExportJob``."""
        raw = self._call("DescribeModelCardExportJob", job_arn, ModelCardExportJobArn=job_arn)
        try:
            status = ExportStatus(raw.get("Status", ""))
        except ValueError:
            raise ReviewError(f"DescribeModelCardExportJob {job_arn}: unknown status {raw.get('Status')!r}") from None
        return ExportJob(
            arn=str(raw.get("ModelCardExportJobArn") or job_arn),
            name=str(raw.get("ModelCardExportJobName", "")),
            status=status,
            card_name=str(raw.get("ModelCardName", "")),
            card_version=raw.get("ModelCardVersion"),
            output_path=str((raw.get("OutputConfig") or {}).get("S3OutputPath", "")),
            pdf_uri=(raw.get("ExportArtifacts") or {}).get("S3ExportArtifacts"),
            failure_reason=raw.get("FailureReason"),
        )

    def wait(
        self,
        job_arn: str,
        timeout: float,
        *,
        progress: Callable[[ExportJob, float], None] | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> ExportJob:
        """Describe the job until it is Completed (returned) or Failed (``job_failed``), or until ``timeout``
        seconds passed (``job_timed_out``; with 0, one look). ``progress(job, elapsed)`` sees every poll.
        Polls come after ``FIRST_POLL_SECONDS``, doubling up to ``POLL_SECONDS``; ``sleep`` and ``clock`` default to
        ``mcgov.clock``'s."""
        waits = wait_clock.for_clients(self._sm)
        sleep = waits.sleep if sleep is None else sleep
        clock = waits.now if clock is None else clock
        started = clock()
        delay = FIRST_POLL_SECONDS
        while True:
            job = self.describe(job_arn)
            elapsed = clock() - started
            if progress is not None:
                progress(job, elapsed)
            if job.status is ExportStatus.COMPLETED:
                if not job.pdf_uri:
                    raise ReviewError(f"export job {job.name} completed without ExportArtifacts.S3ExportArtifacts")
                return job
            if job.status is ExportStatus.FAILED:
                raise job_failed(job)
            if elapsed >= timeout:
                raise job_timed_out(job, timeout)
            sleep(min(delay, timeout - elapsed))
            delay = min(delay * 2, POLL_SECONDS)

    def _call(self, operation: str, subject: str, **kwargs: Any) -> dict[str, Any]:
        method = getattr(self._sm, xform_name(operation))
        try:
            return dict(method(**kwargs))
        except (BotoCoreError, ClientError) as exc:
            failure = aws_failure(exc, "sagemaker", operation)
            assert failure is not None
        hint = failure.hint
        if failure.kind is AwsErrorKind.ACCESS_DENIED and ids.parse_card_arn(subject.partition("/export-job/")[0]):
            hint = (
                "a consumer account needs the share's permission AWSRAMPermissionSageMakerModelCardsAllowExport "
                "and an IAM policy with the export actions (mcgov policy render-iam)"
            )
        raise ReviewError(f"{operation} {subject} failed: {failure.text}; {hint}", failure=failure)


def job_failed(job: ExportJob) -> ReviewError:
    """The error of an export job that ended Failed: SageMaker's FailureReason and the job."""
    return ReviewError(
        f"export job {job.name} failed: {job.failure_reason or 'SageMaker gave no reason'} (job {job.arn})"
    )


def job_timed_out(job: ExportJob, waited: float) -> ReviewError:
    """The error of an export job still running when the wait ran out (it may still complete)."""
    return ReviewError(
        f"export job {job.name} still {job.status.value} after {waited:g} s; check it later with "
        f"`aws sagemaker describe-model-card-export-job --model-card-export-job-arn {job.arn}`"
    )
