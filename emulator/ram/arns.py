"""Parsing of the ARNs and principals RAM accepts (shareable resources, accounts, IAM, organizations).

Sources: https://docs.aws.amazon.com/ram/latest/userguide/shareable.html (``sagemaker:ModelCard`` and
``sagemaker:ModelPackageGroup`` are shareable),
https://docs.aws.amazon.com/ram/latest/APIReference/API_CreateResourceShare.html
(principal forms: account id, organization/OU ARN, IAM role/user ARN, service principal) and botocore's
``sagemaker/*/service-2.json`` shapes ``ModelCardArn`` / ``EntityName`` (the card name pattern).
"""

from __future__ import annotations

import re

from moto.ram.models import ResourceShare

from mcgov.emulator.ram.exceptions import InvalidParameterException, MalformedArnException
from mcgov.emulator.ram.permissions import MODEL_CARD_TYPE, MODEL_PACKAGE_GROUP_TYPE

MODEL_CARD_ARN = re.compile(
    r"^arn:aws[a-z-]*:sagemaker:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"model-card/(?P<name>[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})$",
    re.ASCII,
)
MODEL_PACKAGE_GROUP_ARN = re.compile(
    r"^arn:aws[a-z-]*:sagemaker:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"model-package-group/(?P<name>[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})$",
    re.ASCII,
)
GENERIC_ARN = re.compile(r"^arn:aws[a-z-]*:([a-z0-9-]+):[a-z0-9-]*:[0-9]{12}:([a-z-]+)[/:].*$", re.ASCII)
ACCOUNT_PRINCIPAL = re.compile(r"^(\d{12})$", re.ASCII)
IAM_PRINCIPAL = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):(root|role/.+|user/.+)$", re.ASCII)
ORG_PRINCIPAL = re.compile(r"^arn:aws[a-z-]*:organizations::\d{12}:(organization|ou)/.+$", re.ASCII)
SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9-]+\.amazonaws\.com$", re.ASCII)
# All used with fullmatch: ``$`` alone accepts a trailing newline and ``\\d`` any Unicode digit; RAM refuses both.


def resource_type_of(arn: str) -> str:
    """RAM resource type of a shareable ARN; raise MalformedArnException otherwise."""
    if MODEL_CARD_ARN.fullmatch(arn):
        return MODEL_CARD_TYPE
    if MODEL_PACKAGE_GROUP_ARN.fullmatch(arn):
        return MODEL_PACKAGE_GROUP_TYPE
    match = GENERIC_ARN.fullmatch(arn)
    if not match:
        raise MalformedArnException(f"The specified resource ARN {arn} is not valid. Verify the ARN and try again.")
    service, kind = match.group(1), match.group(2)
    if kind not in ResourceShare.SHAREABLE_RESOURCES:
        raise MalformedArnException("You cannot share the selected resource type.")
    return f"{service}:{''.join(part.capitalize() for part in kind.split('-'))}"


def principal_account(principal: str) -> str | None:
    """Account id a principal belongs to, or None for organization/OU/service principals."""
    for pattern in (ACCOUNT_PRINCIPAL, IAM_PRINCIPAL):
        match = pattern.fullmatch(principal)
        if match:
            return match.group(1)
    if ORG_PRINCIPAL.fullmatch(principal) or SERVICE_PRINCIPAL.fullmatch(principal):
        return None
    raise InvalidParameterException(f"Principal ID {principal} is malformed. Verify the ID and try again.")
