"""The results a Distributed Map wrote to S3 (``ResultWriter``), read back from the execution's summary.

The Map's output is ``{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}`` (the hub workflow passes the details
on as ``results``); ``Key`` is the Map Run's ``manifest.json``, which lists the result files by status
(``SUCCEEDED``, ``FAILED``, ``PENDING``), each a JSON array of child executions with their ``Input`` and ``Output``
as JSON text (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChildResult:
    """One child execution of a Map Run: its status, input and output (or error and cause)."""

    status: str
    input: Any
    output: Any = None
    error: str | None = None
    cause: str | None = None


def _loaded(text: Any) -> Any:
    return json.loads(text) if isinstance(text, str) else text


def map_run_results(s3: Any, details: Mapping[str, str]) -> list[ChildResult]:
    """Every child of the Map Run whose ``ResultWriterDetails`` are ``details``, read with an S3 client."""
    bucket = details["Bucket"]
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=details["Key"])["Body"].read())
    results = []
    for files in manifest.get("ResultFiles", {}).values():
        for entry in files:
            for child in json.loads(s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()):
                results.append(
                    ChildResult(
                        status=child.get("Status", ""),
                        input=_loaded(child.get("Input")),
                        output=_loaded(child.get("Output")),
                        error=child.get("Error"),
                        cause=child.get("Cause"),
                    )
                )
    return results
