"""SageMaker errors the emulator adds to moto's."""

from __future__ import annotations

from moto.core.exceptions import JsonRESTError


class AccessDeniedException(JsonRESTError):
    """The caller may not act on another account's model card (not in SageMaker's error shapes,
    so it is sent as a plain JSON error like the real service's authorization layer does)."""

    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("AccessDeniedException", message)


class SchemaError(ValueError):
    """The schema uses a keyword the emulator's validator does not implement."""
