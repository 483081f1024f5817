"""Read inputs from a local path or an ``s3://`` URI, with errors that name the input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from mcgov.errors import BadInputError
from mcgov.identifiers import split_s3_uri
from mcgov.parsing import REPORT, TEMPLATE, SizeLimit, decode_utf8, parse_json, parse_yaml, read_file, too_large
from mcgov.steps.card.exceptions import CardError
from mcgov.steps.common.aws import AwsErrorKind, aws_failure
from mcgov.steps.common.jsonutil import sha256_text

_INPUT_ERROR_KINDS = (AwsErrorKind.NOT_FOUND, AwsErrorKind.ACCESS_DENIED, AwsErrorKind.INVALID)


@dataclass(frozen=True)
class LoadedDocument:
    """A parsed input file with where it came from and the sha256 of its bytes."""

    location: str
    data: Any
    sha256: str


def read_text(location: str, *, s3_client: Any = None, limit: SizeLimit = REPORT) -> str:
    """Read a UTF-8 document of at most ``limit.max_bytes`` from a regular local file or S3.

    ``s3_client`` is required for S3 URIs. A FIFO, device or directory is refused before anything is read.
    """
    body = _read_s3(location, s3_client, limit) if location.startswith("s3://") else read_file(location, limit)
    return decode_utf8(body, location)


def _read_s3(location: str, s3_client: Any, limit: SizeLimit) -> bytes:
    bucket, key = split_s3_uri(location)
    if s3_client is None:
        raise BadInputError("an S3 client is needed to read S3 inputs", source=location)
    try:
        response = s3_client.get_object(Bucket=bucket, Key=key)
        if int(response.get("ContentLength") or 0) > limit.max_bytes:
            response["Body"].close()
            raise too_large(location, limit)
        body: bytes = response["Body"].read(limit.max_bytes + 1)
    except (BotoCoreError, ClientError) as exc:
        failure = aws_failure(exc, "s3", "GetObject")
        assert failure is not None
        if failure.kind in _INPUT_ERROR_KINDS or failure.code in ("InvalidObjectState", "AllAccessDisabled"):
            raise BadInputError(f"cannot read S3 object: {failure.text}", source=location) from None
        raise CardError(f"{location}: S3 read failed: {failure.text}; retry later", failure=failure) from None
    if len(body) > limit.max_bytes:
        raise too_large(location, limit)
    return body


def load_json(location: str, *, s3_client: Any = None, limit: SizeLimit = REPORT) -> LoadedDocument:
    """Read and strictly parse a JSON document (duplicate keys and over-deep nesting refused).

    NaN and Infinity parse as floats: the report parsers judge them and say which metric holds one.
    """
    text = read_text(location, s3_client=s3_client, limit=limit)
    return LoadedDocument(location, parse_json(text, location, allow_nonfinite=True), sha256_text(text))


def load_yaml(location: str, *, s3_client: Any = None, limit: SizeLimit = TEMPLATE) -> LoadedDocument:
    """Read and strictly parse a YAML document (duplicate keys, aliases and over-deep nesting refused)."""
    text = read_text(location, s3_client=s3_client, limit=limit)
    return LoadedDocument(location, parse_yaml(text, location), sha256_text(text))
