"""One exception class per way building, validating or publishing a card can fail.

Every message names the input (file or field) and says what to do about it. The CLI maps
``CardInputError`` and its subclasses to exit code 2.
"""

from __future__ import annotations

from mcgov.errors import BadInputError, GovernanceError


class CardError(GovernanceError):
    """Base class for every model-card failure raised by this package."""


class CardInputError(CardError, BadInputError):
    """Bad input: a file that cannot be read, parsed or validated. Nothing was written."""

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None) -> None:
        self.source = source
        self.field = field
        prefix = ""
        if source:
            prefix += f"{source}: "
        if field:
            prefix += f"{field}: "
        super().__init__(prefix + message)


class InputReadError(CardInputError):
    """A local file or S3 object could not be read or is not valid JSON/YAML."""


class ReportFormatError(CardInputError):
    """An evaluation report does not match the format it was detected or declared as."""


class TrainingJobError(CardInputError):
    """A DescribeTrainingJob response lacks what a card needs, or the job was not found."""


class ModelPackageError(CardInputError):
    """A DescribeModelPackage response lacks what a card needs, or the package was not found."""


class TemplateError(CardInputError):
    """The human-written card template is not valid card content."""


class ContentValidationError(CardInputError):
    """Card content breaks the schema or a limit the published schema does not enforce."""


class CardLimitError(ContentValidationError):
    """Content cannot be made to fit a hard limit (for example 100,000 characters) without losing data."""


class CardStoreError(CardError):
    """The SageMaker model-card API refused or failed a call."""


class CardNotFoundError(CardStoreError):
    """No model card with that name or ARN exists in this account and region."""


class CardAlreadyExistsError(CardStoreError):
    """CreateModelCard found the name taken (a concurrent run, or a retried create whose reply was lost)."""


class SourceUnavailableError(CardError):
    """An input exists but could not be read right now (throttling, a 5xx, the network): retry later."""


class CardKeyMismatchError(CardInputError):
    """``--kms-key-id`` names another key than the one the existing card was created with."""


class ApprovalByPublishError(CardInputError):
    """A publish asked for Approved: only ``mcgov card approve`` approves, recording what was reviewed."""


class ArchivedCardError(CardStoreError):
    """The card is Archived: SageMaker refuses content updates to archived cards."""
