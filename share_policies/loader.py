"""Parse and validate share policies: YAML text or already-parsed data -> ``SharePolicy``.

Reading a policy from wherever it lives (a local path or ``s3://``) is the steps layer's job:
``mcgov.steps.policy.load_policy``, used by the CLI and the Lambda handlers. ``load_policy`` here
reads a local file only, for tools and tests that hold one.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from mcgov.errors import BadInputError, describe_validation_error
from mcgov.parsing import POLICY, decode_utf8, parse_yaml, read_file
from mcgov.share_policies.models import DEFAULT_POLICY_ID, POLICY_ID, SharePolicy, policy_model
from mcgov.share_policies.reserved import PRODUCT_POLICY_PREFIX, reserved_stage


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
    """Validate already-parsed policy data (a user's policy: the names the product reserves are refused, and a
    missing ``policy_id`` is ``default_policy_id(source)``); errors are prefixed with ``source``."""
    if not isinstance(data, dict):
        raise BadInputError(
            "the policy must be a YAML mapping with version, card_account, region and stages", source=source
        )
    if "policy_id" not in data:
        data = {**data, "policy_id": default_policy_id(source)}
    try:
        policy = policy_model(data).model_validate(data)
    except ValidationError as exc:
        field, message = describe_validation_error(exc.errors(include_url=False))
        raise BadInputError(message, source=source, field=field or None) from None
    check_reserved(policy, source=source)
    return policy


def default_policy_id(source: str) -> str:
    """The policy id of a policy that sets none: its file name without the extension, lowercased, every run of
    other characters made one hyphen (``share_policies/Churn_Prod.yaml`` and ``s3://b/p/churn-prod.yaml`` give
    ``churn-prod``), without the product's ``mcgov-`` prefix; ``default`` when nothing is left or the policy has no
    file (``<policy>``). Set ``policy_id`` to keep the id when the file is renamed."""
    if source.startswith("<"):
        return DEFAULT_POLICY_ID
    stem = PurePosixPath(source.replace("\\", "/")).stem.lower()
    name = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    while name.startswith(PRODUCT_POLICY_PREFIX):
        name = name[len(PRODUCT_POLICY_PREFIX) :]
    name = re.sub(r"^[^a-z]+", "", name)[:63].rstrip("-")
    return name if POLICY_ID.fullmatch(name) else DEFAULT_POLICY_ID


def check_reserved(policy: SharePolicy, *, source: str = "<policy>") -> None:
    """``BadInputError`` for a stage name or policy id the product uses for its own shares (``reserved``)."""
    if policy.policy_id.startswith(PRODUCT_POLICY_PREFIX):
        raise BadInputError(
            f"ids starting with {PRODUCT_POLICY_PREFIX!r} name the product's own shares (hub publish, share back); "
            "pick another policy_id",
            source=source,
            field="policy_id",
        )
    for name in policy.stages:
        why = reserved_stage(name)
        if why:
            raise BadInputError(
                f"this stage name {why}, so the product reserves it; rename the stage",
                source=source,
                field=f"stages.{name}",
            )
