"""KMS Sign and Verify as AWS answers them (moto 5.2.5 differs in three ways).

* The message is the request's blob, base64-decoded: moto signs the base64 text itself, so its signatures do not
  verify with the key's public key (kms:GetPublicKey) as AWS's do.
* A signature that does not verify fails with ``KMSInvalidSignatureException`` (HTTP 400): "If the signature is not
  verified, the Verify operation fails with a KMSInvalidSignatureException exception"
  (https://docs.aws.amazon.com/kms/latest/APIReference/API_Verify.html, ``SignatureValid``); moto answers
  ``SignatureValid: false``. A malformed signature is the same failure.
* ``MessageType: DIGEST`` is not emulated: moto would hash the digest again; the emulator refuses it
  (ValidationException naming it) instead of answering wrongly.

The key usage (SIGN_VERIFY) and the key's signing algorithms are moto's checks (ValidationException), and the
message's 1-4,096 bytes are the input rules' (botocore ``PlaintextType``).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.kms.exceptions import ValidationException


class KMSInvalidSignatureException(JsonRESTError):
    code = 400

    def __init__(self) -> None:
        super().__init__(
            "KMSInvalidSignatureException",
            "The request was rejected because the signature verification failed. Signature verification fails "
            "when it cannot confirm that signature was produced by signing the specified message with the "
            "specified KMS key and signing algorithm.",
        )


def _blob(value: Any, member: str) -> bytes:
    if isinstance(value, bytes):
        return value
    try:
        return base64.b64decode(str(value or ""), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationException(f"1 validation error detected: Value at '{member}' is not valid base64") from None


def _raw_only(response: Any) -> None:
    if (response._get_param("MessageType") or "RAW") != "RAW":
        raise ValidationException("MessageType DIGEST is not emulated (mcgov emulator): sign RAW messages")


def sign(response: Any) -> str:
    """KMS Sign of the decoded message."""
    key_id = response._get_param("KeyId")
    response._validate_key_id(key_id)
    _raw_only(response)
    arn, signature, algorithm = response.kms_backend.sign(
        key_id=key_id,
        message=_blob(response._get_param("Message"), "message"),
        signing_algorithm=response._get_param("SigningAlgorithm"),
    )
    return json.dumps(
        {"KeyId": arn, "Signature": base64.b64encode(signature).decode("ascii"), "SigningAlgorithm": algorithm}
    )


def verify(response: Any) -> str:
    """KMS Verify of the decoded message and signature; KMSInvalidSignatureException when it does not verify."""
    key_id = response._get_param("KeyId")
    response._validate_key_id(key_id)
    _raw_only(response)
    message = _blob(response._get_param("Message"), "message")
    signature = _blob(response._get_param("Signature"), "signature")
    try:
        arn, valid, algorithm = response.kms_backend.verify(
            key_id=key_id,
            message=message,
            signature=signature,
            signing_algorithm=response._get_param("SigningAlgorithm"),
        )
    except JsonRESTError:
        raise
    except Exception:  # noqa: BLE001 - a malformed signature (bad DER) is a failed verification, not a server error
        valid = False
    if not valid:
        raise KMSInvalidSignatureException()
    return json.dumps({"KeyId": arn, "SignatureValid": True, "SigningAlgorithm": algorithm})
