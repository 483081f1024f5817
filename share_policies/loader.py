"""Parse and validate share policies: YAML text or already-parsed data -> ``SharePolicy``.

Reading a policy from wherever it lives (a local path or ``s3://``) is the steps layer's job:
``mcgov.steps.common.policy.load_policy``, used by the CLI and the Lambda handlers. ``load_policy`` here
reads a local file only, for tools and tests that hold one.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mcgov.errors import describe_validation_error
from mcgov.share_policies.exceptions import PolicyFileError, PolicyValidationError
from mcgov.share_policies.models import SharePolicy


def read_policy_file(path: str | Path) -> str:
    """The text of a local policy file; a ``PolicyFileError`` naming it when it cannot be read."""
    source = str(path)
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyFileError(f"cannot read the policy file ({exc.strerror}); check the path", source=source) from None
    except UnicodeDecodeError:
        raise PolicyFileError("the policy file is not UTF-8 text; save it as UTF-8 YAML", source=source) from None


def load_policy(path: str | Path) -> SharePolicy:
    """Read a local ``path`` and return the validated policy; raise a ``PolicyError`` naming file and field."""
    return parse_policy_text(read_policy_file(path), source=str(path))


def parse_policy_text(text: str, source: str = "<policy>") -> SharePolicy:
    """Parse policy YAML ``text`` and validate it; errors are prefixed with ``source``."""
    import yaml  # imported on use: Lambdas that never load a policy do not pay for it

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyFileError(f"not valid YAML ({' '.join(str(exc).split())}); fix the syntax", source=source) from None
    return parse_policy(data, source=source)


def parse_policy(data: Any, *, source: str = "<policy>") -> SharePolicy:
    """Validate already-parsed policy data; errors are prefixed with ``source``."""
    if not isinstance(data, dict):
        raise PolicyFileError("the policy must be a YAML mapping with version, card_account, region and stages", source=source)
    try:
        return SharePolicy.model_validate(data)
    except ValidationError as exc:
        field, message = describe_validation_error(exc.errors(include_url=False))
        raise PolicyValidationError(message, source=source, field=field or None) from None
