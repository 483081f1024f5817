"""One exception class per way reviewing a card can fail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcgov.errors import BadInputError, GovernanceError

if TYPE_CHECKING:
    from mcgov.steps.review.export import ExportJob


class ReviewError(GovernanceError):
    """Base class of every failure raised by ``mcgov.steps.review``."""


class ReviewInputError(ReviewError, BadInputError):
    """A card to render or compare is not card content (a JSON object); the message names it."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class ExportError(ReviewError):
    """SageMaker refused or failed an export call (access, not found, throttling...)."""


class ExportFailedError(ReviewError):
    """The export job ended Failed; the message carries SageMaker's FailureReason."""

    def __init__(self, job: ExportJob) -> None:
        self.job = job
        super().__init__(
            f"export job {job.name} failed: {job.failure_reason or 'SageMaker gave no reason'} (job {job.arn})"
        )


class ExportTimeoutError(ReviewError):
    """The job was still InProgress when the wait ran out; it may still complete."""

    def __init__(self, job: ExportJob, waited: float) -> None:
        self.job = job
        super().__init__(
            f"export job {job.name} still {job.status.value} after {waited:g} s; check it later with "
            f"`aws sagemaker describe-model-card-export-job --model-card-export-job-arn {job.arn}`"
        )
