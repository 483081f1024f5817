"""Typed errors of the authoring layer (``pipelines/``); each message says how to fix the problem."""

from __future__ import annotations

from mcgov.errors import BadInputError, GovernanceError


class PipelineAuthoringError(GovernanceError):
    """Base class of the errors raised while building a pipeline, workflow or template."""


class SdkUnavailableError(PipelineAuthoringError, BadInputError):
    """No supported SageMaker Python SDK is installed (the message names the version found and the extra to install)."""


class InvalidGateModeError(PipelineAuthoringError, BadInputError):
    """``gate_mode`` is not one of the supported modes."""


class InvalidGateWaitError(PipelineAuthoringError, BadInputError):
    """The bounded wait of the gate LambdaStep is out of range."""


class MissingCallbackQueueError(PipelineAuthoringError, BadInputError):
    """``gate_mode="callback"`` was chosen without the SQS queue the CallbackStep sends to."""


class PipelineModuleError(PipelineAuthoringError, BadInputError):
    """``--module-name`` does not name an importable module exposing ``get_pipeline``."""


class InvalidKwargsError(PipelineAuthoringError, BadInputError):
    """``--kwargs`` or ``--tags`` is not a JSON (or Python literal) object/list of the expected shape."""


class PlaceholderInDefinitionError(PipelineAuthoringError, BadInputError):
    """A definition still holds offline placeholders (account 000000000000) and must not be deployed."""
