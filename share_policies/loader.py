"""Parse and validate share policies: YAML text or already-parsed data -> ``SharePolicy``.

Reading a policy from wherever it lives (a local path or ``s3://``) is the steps layer's job:
``mcgov.steps.policy.load_policy``, used by the CLI and the Lambda handlers. ``load_policy`` here
reads a local file only, for tools and tests that hold one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mcgov.errors import BadInputError, describe_validation_error
from mcgov.parsing import POLICY, decode_utf8, parse_yaml, read_file
from mcgov.share_policies.models import SharePolicy, policy_model


def read_policy_file(path: str | Path) -> str:
    """The text of a local policy file (a regular file of at most 1 MiB, UTF-8); ``BadInputError`` naming it."""
    source = str(path)
    return decode_utf8(read_file(source, POLICY), source)


def load_policy(path: str | Path) -> SharePolicy:
    """Read a local ``path`` and return the validated policy; raise a ``BadInputError`` naming file and field."""
    return parse_policy_text(read_policy_file(path), source=str(path))


def parse_policy_text(text: str, source: str = "<policy>") -> SharePolicy:
    """Parse policy YAML ``text`` strictly (duplicate keys, aliases and deep nesting refused) and validate it;
    errors are prefixed with ``source``."""
    return parse_policy(parse_yaml(text, source), source=source)


def parse_policy(data: Any, *, source: str = "<policy>") -> SharePolicy:
    """Validate already-parsed policy data; errors are prefixed with ``source``."""
    if not isinstance(data, dict):
        raise BadInputError(
            "the policy must be a YAML mapping with version, card_account, region and stages", source=source
        )
    try:
        return policy_model(data).model_validate(data)
    except ValidationError as exc:
        field, message = describe_validation_error(exc.errors(include_url=False))
        raise BadInputError(message, source=source, field=field or None) from None
