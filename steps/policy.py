"""The one share-policy loader (CLI, Lambda handlers, tools and tests): a local path or an ``s3://`` URI.

Parsing and validation are ``mcgov.share_policies``' (pure); this module only fetches the text. An object
that is missing, forbidden or not UTF-8 is the caller's input (``BadInputError``, exit 2); a throttled or
unavailable S3 is ``PolicyUnavailableError``, retryable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcgov.errors import BadInputError, GovernanceError
from mcgov.identifiers import split_s3_uri
from mcgov.parsing import POLICY, too_large
from mcgov.share_policies.exceptions import PolicyUnavailableError
from mcgov.share_policies.loader import parse_policy_text, read_policy_file
from mcgov.share_policies.models import SharePolicy
from mcgov.steps.assess.policy import check_policy_fields
from mcgov.steps.common.aws import AwsFailure, aws_errors, make_session


def load_policy(uri: str | Path, s3_client: Any = None) -> SharePolicy:
    """Read the policy at ``uri`` (a path or ``s3://bucket/key``) and validate it (the assessment fields too);
    ``BadInputError`` naming the file and field.

    ``s3_client`` reads S3 URIs; without one, a default ``boto3`` client is created (only for S3).
    """
    source = str(uri)
    policy = parse_policy_text(read_policy_text(source, s3_client), source=source)
    check_policy_fields(policy, source=source)
    return policy


def read_policy_text(uri: str, s3_client: Any = None) -> str:
    """The policy's text from a local path or S3."""
    if not uri.startswith("s3://"):
        return read_policy_file(uri)
    bucket, key = split_s3_uri(uri)
    if s3_client is None:
        s3_client = make_session().client("s3")
    with aws_errors("s3", "GetObject", lambda failure: _read_error(uri, failure)):
        body: bytes = s3_client.get_object(Bucket=bucket, Key=key)["Body"].read(POLICY.max_bytes + 1)
    if len(body) > POLICY.max_bytes:
        raise too_large(uri, POLICY)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInputError("the policy object is not UTF-8 text; upload it as UTF-8 YAML", source=uri) from None


def _read_error(uri: str, failure: AwsFailure) -> GovernanceError:
    if failure.retryable:
        return PolicyUnavailableError(
            f"{uri}: cannot read the policy now ({failure.text}); {failure.hint}", failure=failure
        )
    return BadInputError(f"cannot read the policy object ({failure.text}); {failure.hint}", source=uri)
