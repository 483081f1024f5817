"""Read inputs from a local path or an ``s3://`` URI, with errors that name the input."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from botocore.exceptions import BotoCoreError, ClientError

from mcgov.steps.card.exceptions import InputReadError, SourceUnavailableError
from mcgov.steps.common.aws import AwsErrorKind, aws_failure
from mcgov.steps.common.jsonutil import sha256_text

_INPUT_ERROR_KINDS = (AwsErrorKind.NOT_FOUND, AwsErrorKind.ACCESS_DENIED, AwsErrorKind.INVALID)


@dataclass(frozen=True)
class LoadedDocument:
    """A parsed input file with where it came from and the sha256 of its bytes."""

    location: str
    data: Any
    sha256: str


def parse_s3_uri(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not parsed.netloc or not parsed.path.lstrip("/"):
        raise InputReadError("not a valid s3://bucket/key URI", source=uri)
    return parsed.netloc, parsed.path.lstrip("/")


def read_text(location: str, *, s3_client: Any = None) -> str:
    """Read a UTF-8 document from a local path or S3. ``s3_client`` is required for S3 URIs."""
    if location.startswith("s3://"):
        bucket, key = parse_s3_uri(location)
        if s3_client is None:
            raise InputReadError("an S3 client is needed to read S3 inputs", source=location)
        try:
            body = s3_client.get_object(Bucket=bucket, Key=key)["Body"].read()
        except (BotoCoreError, ClientError) as exc:
            failure = aws_failure(exc, "s3", "GetObject")
            assert failure is not None
            if failure.kind in _INPUT_ERROR_KINDS or failure.code in ("InvalidObjectState", "AllAccessDisabled"):
                raise InputReadError(f"cannot read S3 object: {failure.text}", source=location) from None
            raise SourceUnavailableError(f"{location}: S3 read failed: {failure.text}; retry later", failure=failure) from None
    else:
        try:
            body = Path(location).read_bytes()
        except OSError as exc:
            raise InputReadError(f"cannot read file: {exc.strerror or exc}", source=location) from None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputReadError("file is not UTF-8 text", source=location) from None


def load_json(location: str, *, s3_client: Any = None) -> LoadedDocument:
    text = read_text(location, s3_client=s3_client)
    try:
        data = json.loads(text)  # NaN and Infinity parse as floats; the report parsers judge them
    except json.JSONDecodeError as exc:
        raise InputReadError(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", source=location) from None
    except ValueError as exc:
        raise InputReadError(f"invalid JSON: {exc}", source=location) from None
    return LoadedDocument(location, data, sha256_text(text))


def load_yaml(location: str, *, s3_client: Any = None) -> LoadedDocument:
    import yaml  # imported here: only templates and policies need it

    text = read_text(location, s3_client=s3_client)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise InputReadError(f"invalid YAML: {problem}{where}", source=location) from None
    return LoadedDocument(location, data, sha256_text(text))


