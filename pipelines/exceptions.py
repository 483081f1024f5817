"""Typed errors of the authoring layer (``pipelines/``); each message says how to fix the problem."""

from __future__ import annotations

from mcgov.errors import BadInputError, GovernanceError


class PipelineAuthoringError(GovernanceError):
    """Base class of the errors raised while building a pipeline, workflow or template."""


class InvalidLambdaArnError(PipelineAuthoringError, BadInputError):
    """A governance Lambda ARN is missing or malformed."""


class InvalidGateModeError(PipelineAuthoringError, BadInputError):
    """``gate_mode`` is not one of the supported modes."""


class InvalidGateWaitError(PipelineAuthoringError, BadInputError):
    """The bounded wait of the gate LambdaStep is out of range."""


class MissingCallbackQueueError(PipelineAuthoringError, BadInputError):
    """``gate_mode="callback"`` was chosen without the SQS queue the CallbackStep sends to."""


class InvalidWorkflowSettingError(PipelineAuthoringError, BadInputError):
    """A Step Functions workflow setting (attempts, waits, names) is out of range."""


class PipelineModuleError(PipelineAuthoringError, BadInputError):
    """``--module-name`` does not name an importable module exposing ``get_pipeline``."""


class InvalidKwargsError(PipelineAuthoringError, BadInputError):
    """``--kwargs`` or ``--tags`` is not a JSON (or Python literal) object/list of the expected shape."""


class LocalRunUnavailableError(PipelineAuthoringError):
    """The local (emulator) run cannot be performed in this installation (the ``emulator`` extra is missing)."""


class PlaceholderInDefinitionError(PipelineAuthoringError, BadInputError):
    """A definition still holds offline placeholders (account 000000000000) and must not be deployed."""
