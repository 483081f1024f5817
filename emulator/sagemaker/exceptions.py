"""SageMaker errors the emulator adds to moto's."""
from __future__ import annotations

from moto.sagemaker.exceptions import SagemakerClientError


class AccessDeniedException(SagemakerClientError):
    """The caller may not act on another account's model card."""

    code = "AccessDeniedException"

    def __init__(self, message: str) -> None:
        super().__init__(message)
