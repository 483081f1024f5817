"""Adapter: signed approvals with an asymmetric KMS key (``ECC_NIST_P256``, ``ECDSA_SHA_256``).

``mcgov card approve`` signs the record's canonical text (``mcgov.steps.approval.tags.signed_text``) with kms:Sign;
the gate verifies it with kms:Verify. Verifying in KMS, not locally with the public key (kms:GetPublicKey), keeps
the gate Lambda free of a cryptography library, and the key policy decides who may verify as well as who may sign
(docs/gate.md). A signature that does not verify makes KMS fail with ``KMSInvalidSignatureException``
(https://docs.aws.amazon.com/kms/latest/APIReference/API_Verify.html); any other failure is a problem too: the gate
fails closed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mcgov.steps.approval.exceptions import ApprovalError
from mcgov.steps.approval.tags import ApprovalRecord, signature_bytes, signature_text, signed_text
from mcgov.steps.common.aws import AwsFailure, aws_errors, aws_failure

SIGNING_ALGORITHM = "ECDSA_SHA_256"


def _sign_error(failure: AwsFailure) -> ApprovalError:
    return ApprovalError(
        f"kms Sign failed: {failure.text}; the approval was not recorded. The key policy of "
        "approval_signing_key_arn must let this approver sign (kms:Sign); then run approve again",
        failure=failure,
    )


def sign_record(kms: Any, key_arn: str, card_arn: str, record: ApprovalRecord) -> ApprovalRecord:
    """``record`` as stored, with the base64 signature of its canonical text (kms:Sign, RAW message)."""
    stored = record.as_stored()
    with aws_errors("kms", "Sign", _sign_error):
        response = kms.sign(
            KeyId=key_arn,
            Message=signed_text(card_arn, stored),
            MessageType="RAW",
            SigningAlgorithm=SIGNING_ALGORITHM,
        )
    raw = response.get("Signature")
    if not isinstance(raw, bytes) or signature_bytes(signature_text(raw)) is None:
        raise ApprovalError("kms Sign returned no ECDSA P-256 signature; check that the key's spec is ECC_NIST_P256")
    return replace(stored, signature=signature_text(raw))


def signature_problem(kms: Any, key_arn: str, card_arn: str, record: ApprovalRecord) -> str | None:
    """Why ``record``'s signature cannot be trusted (None when kms:Verify confirms it); never raises."""
    if not record.signature:
        return "the approval record carries no signature, and the policy requires signed approvals"
    raw = signature_bytes(record.signature)
    if raw is None:
        return "the approval record's signature is malformed"
    if kms is None:
        return "no KMS client was given to verify the approval signature"
    try:
        response = kms.verify(
            KeyId=key_arn,
            Message=signed_text(card_arn, record),
            MessageType="RAW",
            Signature=raw,
            SigningAlgorithm=SIGNING_ALGORITHM,
        )
    except Exception as exc:  # noqa: BLE001 - fail closed on anything, naming the AWS code when there is one
        failure = aws_failure(exc, "kms", "Verify")
        if failure is not None and failure.code == "KMSInvalidSignatureException":
            return "the approval signature does not verify with approval_signing_key_arn (a forged or altered record)"
        code = failure.text if failure is not None else type(exc).__name__
        return f"the approval signature could not be verified (kms Verify failed: {code}); grant kms:Verify, retry"
    if response.get("SignatureValid") is not True:
        return "the approval signature does not verify with approval_signing_key_arn (a forged or altered record)"
    return None
