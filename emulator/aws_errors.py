"""AWS error responses shaped per protocol, so boto3 raises ``ClientError`` with the code and message AWS sends.

* ``json``: ``x-amzn-ErrorType`` header and ``{"__type": code, "message": ...}``
  (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html, "Operation error serialization").
* ``rest-json``: ``x-amzn-ErrorType`` header and ``{"message": ...}``
  (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html).
* ``query``: ``<ErrorResponse><Error><Type>Sender</Type><Code>..</Code><Message>..</Message></Error>``
  (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html, "Operation error serialization").
* ``rest-xml``: ``<Error><Code>..</Code><Message>..</Message></Error>`` (S3).
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from xml.sax.saxutils import escape

from botocore.model import ServiceModel

ErrorResponse = tuple[int, dict[str, Any], str]


def error_response(service: ServiceModel, code: str, message: str, status: int = 400) -> ErrorResponse:
    """The HTTP response AWS sends for an error of ``service``: (status, headers, body)."""
    request_id = str(uuid.uuid4())
    protocol = service.protocol
    if protocol == "json":
        version = service.metadata.get("jsonVersion", "1.0")
        headers = {"Content-Type": f"application/x-amz-json-{version}", "x-amzn-ErrorType": code}
        body = json.dumps({"__type": code, "message": message})
    elif protocol == "rest-json":
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code}
        body = json.dumps({"message": message})
    elif protocol == "query":
        namespace = service.metadata.get("xmlNamespace", "")
        body = (
            f'<ErrorResponse xmlns="{escape(namespace)}"><Error><Type>Sender</Type><Code>{escape(code)}</Code>'
            f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        headers = {"Content-Type": "text/xml"}
    else:
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(code)}</Code>'
            f"<Message>{escape(message)}</Message><RequestId>{request_id}</RequestId></Error>"
        )
        headers = {"Content-Type": "application/xml"}
    headers["x-amzn-RequestId"] = request_id
    headers["status"] = str(status)
    return status, headers, body
