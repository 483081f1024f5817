"""The identifier formats mcgov accepts (accounts, card names, stages, regions, ARNs, S3 prefixes), checked whole.

Every pattern is ASCII-only and used with ``fullmatch``: ``re.match`` with ``^...$`` lets a trailing newline
through, and ``\\d`` admits non-ASCII digits such as ``١٢``. ``matches`` also refuses non-strings and names
longer than the service allows (``(-*[a-zA-Z0-9]){0,62}`` alone does not bound a card name's length).
Sources: botocore's service models (``EntityName``, ``ModelCardArn``, RAM ``String`` ARNs) and the IAM
ARN format page.
"""

from __future__ import annotations

import re
from typing import Any

from mcgov.errors import BadInputError

_A = re.ASCII

ACCOUNT = re.compile(r"[0-9]{12}", _A)
CARD_NAME_MAX = 63
CARD_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", _A)
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]{1,2}", _A)
STAGE_NAME = re.compile(r"[a-z][a-z0-9-]{0,31}", _A)
CARD_NAME_PREFIX = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9-]{0,62}", _A)  # a card name's beginning (may end with '-')
PARTITION = r"aws(?:-cn|-us-gov|-iso|-iso-[a-z]|-eusc)?"
CARD_ARN = re.compile(
    rf"arn:(?P<partition>{PARTITION}):sagemaker:(?P<region>[a-z]{{2}}(?:-[a-z]+)+-[0-9]{{1,2}}):(?P<account>[0-9]{{12}})"
    r":model-card/(?P<name>[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})",
    _A,
)
MODEL_PACKAGE_ARN = re.compile(
    rf"arn:(?P<partition>{PARTITION}):sagemaker:(?P<region>[a-z]{{2}}(?:-[a-z]+)+-[0-9]{{1,2}}):(?P<account>[0-9]{{12}})"
    r":model-package/(?P<group>[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})/(?P<version>[0-9]{1,10})",
    _A,
)
# RAM permission names: 1-36 characters (CreatePermission ``name``); AWS-managed ones have no region/account.
PERMISSION_NAME_MAX = 36
PERMISSION_ARN = re.compile(
    rf"arn:(?P<partition>{PARTITION}):ram:(?P<region>(?:[a-z]{{2}}(?:-[a-z]+)+-[0-9]{{1,2}})?):(?P<account>aws|[0-9]{{12}})"
    r":permission/(?P<name>[A-Za-z0-9_\-.]{1,64})",
    _A,
)
LAMBDA_ARN = re.compile(
    rf"arn:{PARTITION}:lambda:[a-z]{{2}}(?:-[a-z]+)+-[0-9]{{1,2}}:[0-9]{{12}}:function:[A-Za-z0-9_-]{{1,64}}(?::[A-Za-z0-9$_-]{{1,128}})?",
    _A,
)
# KMS key ARNs (not alias ARNs: IAM and key policies authorize cryptographic operations by key ARN); key ids are
# UUIDs, multi-Region keys ``mrk-`` + 32 hex characters (KMS "Key identifiers" page).
KMS_KEY_ARN = re.compile(
    rf"arn:(?P<partition>{PARTITION}):kms:(?P<region>[a-z]{{2}}(?:-[a-z]+)+-[0-9]{{1,2}}):(?P<account>[0-9]{{12}})"
    r":key/(?P<key_id>mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
    _A,
)
# EventBridge event buses of an account (PutEvents ``EventBusName`` as an ARN; botocore ``NonPartnerEventBusNameOrArn``:
# names of 1-256 letters, digits and ``. - _``; a partner bus, whose name holds ``/``, cannot receive PutEvents).
EVENT_BUS_NAME_MAX = 256
EVENT_BUS_ARN = re.compile(
    rf"arn:(?P<partition>{PARTITION}):events:(?P<region>[a-z]{{2}}(?:-[a-z]+)+-[0-9]{{1,2}}):(?P<account>[0-9]{{12}})"
    rf":event-bus/(?P<name>[.\-_A-Za-z0-9]{{1,{EVENT_BUS_NAME_MAX}}})",
    _A,
)
S3_PREFIX = re.compile(r"s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]/(?:[^*?\x00-\x1f\x7f]*/)?", _A)


def matches(pattern: re.Pattern[str], value: Any, max_length: int | None = None) -> bool:
    """True when ``value`` is a string that ``pattern`` matches whole (and is at most ``max_length`` long)."""
    if not isinstance(value, str) or (max_length is not None and len(value) > max_length):
        return False
    return pattern.fullmatch(value) is not None


def is_account(value: Any) -> bool:
    return matches(ACCOUNT, value)


def is_card_name(value: Any) -> bool:
    return matches(CARD_NAME, value, CARD_NAME_MAX)


def name_contains_for_prefix(prefix: str) -> str:
    """The ``NameContains`` that lists every card starting with card-name prefix ``prefix``.

    ListModelCards refuses a ``NameContains`` ending with ``-`` (it must match the card-name pattern), so trailing
    hyphens are dropped; ``NameContains`` is a substring filter, so callers keep only names starting with ``prefix``.
    """
    return prefix.rstrip("-")


def parse_card_arn(value: Any) -> re.Match[str] | None:
    """The match of a model-card ARN (groups: partition, region, account, name), or None."""
    return CARD_ARN.fullmatch(value) if isinstance(value, str) and len(value) <= 2048 else None


def partition_of(region: str) -> str:
    """The ARN partition of a region (``cn-north-1`` -> ``aws-cn``)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    if region.startswith("eusc-"):
        return "aws-eusc"
    return "aws"


S3_KEY_MAX_BYTES = 1024


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` -> (bucket, key), taken literally; ``BadInputError`` naming ``uri`` when it is not one.

    ``urlparse`` would silently drop a newline or tab and cut the key at ``#`` or ``?``, reading another object
    than the one named. The bucket must follow S3's naming rules; the key is 1-1024 UTF-8 bytes without control
    characters.
    """
    bucket, _, key = uri.removeprefix("s3://").partition("/") if isinstance(uri, str) else ("", "", "")
    if (
        isinstance(uri, str)
        and uri.startswith("s3://")
        and matches(S3_PREFIX, f"s3://{bucket}/")
        and ".." not in bucket
        and key
        and len(key.encode("utf-8", "surrogatepass")) <= S3_KEY_MAX_BYTES
        and not any(c < " " or c == "\x7f" for c in key)
    ):
        return bucket, key
    raise BadInputError(
        "not a valid s3://bucket/key URI (an S3 bucket name, then a key without control characters)",
        source=uri if isinstance(uri, str) else repr(uri),
    )
