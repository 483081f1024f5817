"""steps/stack/governance.yaml's approval controls under the emulator's IAM enforcement: a Lambda role cannot write
the approval record (DenyApprovalRecordTags), and only the approver roles can sign with the approval key."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mcgov.emulator.core import Emulator
from mcgov.steps.stack.template import TEMPLATE as STACK_TEMPLATE

ACCOUNT = "111111111111"
CARD = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-card/churn"
REFS = {
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::AccountId": ACCOUNT,
    "AWS::StackName": "mcgov",
    "ArtifactBucket": "artifacts",
    "KmsKeyArn": "",
    "PolicyBucket": "",
    "ApprovalGuardFailureQueue.Arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:guard-failures",
    "GateCallbackQueue.Arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:gate-callbacks",
}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    from cfnlint.decode import decode

    decoded, errors = decode(str(STACK_TEMPLATE))
    assert not errors, errors
    return json.loads(json.dumps(decoded))


def resolve(node: Any, refs: dict[str, Any], conditions: dict[str, bool]) -> Any:
    """The template's intrinsics for one deployment: Ref, Fn::Sub, Fn::If, Fn::GetAtt (from ``refs``)."""
    if isinstance(node, list):
        items = [resolve(item, refs, conditions) for item in node]
        return [item for item in items if item is not _NO_VALUE]
    if not isinstance(node, dict):
        return node
    if len(node) != 1 or not next(iter(node)).startswith(("Fn::", "Ref")):
        return {k: resolve(v, refs, conditions) for k, v in node.items()}
    ((fn, arg),) = node.items()
    if fn == "Ref":
        return _NO_VALUE if arg == "AWS::NoValue" else refs[arg]
    if fn == "Fn::Sub":
        for key, value in refs.items():
            if isinstance(value, str):
                arg = arg.replace("${" + key + "}", value)
        assert "${" not in arg, arg
        return arg
    if fn == "Fn::If":
        return resolve(arg[1] if conditions[arg[0]] else arg[2], refs, conditions)
    if fn == "Fn::GetAtt":
        return refs[".".join(arg) if isinstance(arg, list) else arg]
    raise AssertionError(f"unexpected {fn}")


_NO_VALUE = object()


def role_documents(template: dict[str, Any], role: str, conditions: dict[str, bool]) -> dict[str, Any]:
    """The inline and managed policy documents the template gives ``role``, resolved; plus the Deny it attaches."""
    res = template["Resources"]
    props = res[role]["Properties"]
    documents = {p["PolicyName"]: p["PolicyDocument"] for p in props.get("Policies", [])}
    for ref in props.get("ManagedPolicyArns", []):
        documents[ref["Ref"]] = res[ref["Ref"]]["Properties"]["PolicyDocument"]
    if {"Ref": role} in res["DenyApprovalRecordTags"]["Properties"]["Roles"]:
        documents["DenyApprovalRecordTags"] = res["DenyApprovalRecordTags"]["Properties"]["PolicyDocument"]
    return {name: resolve(doc, REFS, conditions) for name, doc in documents.items()}


def _denied(call: Any) -> str:
    with pytest.raises(Exception) as info:
        call()
    error = getattr(info.value, "response", {}).get("Error", {})
    assert error.get("Code") in ("AccessDeniedException", "AccessDenied"), info.value
    return str(error.get("Message"))


def test_a_lambda_role_cannot_write_the_approval_record_but_can_record_its_writes(
    emulator: Emulator, card_session: Any, template: dict[str, Any]
) -> None:
    conditions = {"HasKmsKey": False, "HasPolicyBucket": False, "SignApprovals": False, "HubEnabled": False}
    documents = role_documents(template, "PopulateCardRole", conditions)
    assert "DenyApprovalRecordTags" in documents
    role = emulator.create_role("PopulateCardRole", documents)
    sm = emulator.session_for_role(role, "populate").client("sagemaker")
    sm.create_model_card(ModelCardName="churn", Content="{}", ModelCardStatus="Draft")
    sm.add_tags(ResourceArn=CARD, Tags=[{"Key": "mcgov:written-versions", "Value": "1"}])  # another tag: allowed
    message = _denied(
        lambda: sm.add_tags(ResourceArn=CARD, Tags=[{"Key": "mcgov:approval:approver", "Value": "arn:x"}])
    )
    assert "sagemaker:AddTags" in message and "explicit deny" in message
    _denied(
        lambda: sm.create_model_card(
            ModelCardName="forged",
            Content="{}",
            ModelCardStatus="Draft",
            Tags=[{"Key": "mcgov:approval:version", "Value": "1"}],
        )
    )
    tags = card_session.client("sagemaker").list_tags(ResourceArn=CARD)["Tags"]
    assert tags == [{"Key": "mcgov:written-versions", "Value": "1"}]
    # the same role without the Deny could have written it: the Deny is what stops it
    bare = {k: v for k, v in documents.items() if k != "DenyApprovalRecordTags"}
    open_role = emulator.create_role("PopulateCardRoleWithoutDeny", bare)
    emulator.session_for_role(open_role, "xx").client("sagemaker").add_tags(
        ResourceArn=CARD, Tags=[{"Key": "mcgov:approval:approver", "Value": "arn:x"}]
    )


def test_every_gate_role_is_denied_the_approval_tags(emulator: Emulator, template: dict[str, Any]) -> None:
    conditions = {"HasKmsKey": False, "HasPolicyBucket": False, "SignApprovals": False, "HubEnabled": False}
    card = emulator.session("card").client("sagemaker")
    card.create_model_card(ModelCardName="churn", Content="{}", ModelCardStatus="Draft")
    for name in ("GateReaderRole", "ApprovalGuardRole", "GateWatcherRole", "ShareCardRole", "ApproveModelPackageRole"):
        documents = role_documents(template, name, conditions)
        documents["may-tag"] = {  # even a role someone later allows to tag
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sagemaker:AddTags", "Resource": "*"}],
        }
        sm = emulator.session_for_role(emulator.create_role(name, documents), "xx").client("sagemaker")
        tag = [{"Key": "mcgov:approval:note", "Value": "x"}]
        message = _denied(lambda sm=sm, tag=tag: sm.add_tags(ResourceArn=CARD, Tags=tag))
        assert "explicit deny" in message, name
        sm.add_tags(ResourceArn=CARD, Tags=[{"Key": "team", "Value": "risk"}])


def test_only_the_approver_roles_sign_with_the_approval_key(emulator: Emulator, template: dict[str, Any]) -> None:
    from tests.conftest import ALLOW_ALL

    reviewer = emulator.create_role("CardReviewer", {"all": ALLOW_ALL})
    conditions = {"HasKmsKey": False, "HasPolicyBucket": False, "SignApprovals": True, "HubEnabled": False}
    key_policy = resolve(
        template["Resources"]["ApprovalSigningKey"]["Properties"]["KeyPolicy"],
        {**REFS, "ApproverRoleArns": [reviewer]},
        conditions,
    )
    admin = emulator.session("card").client("kms")
    key = admin.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Policy=json.dumps(key_policy))
    key_arn = key["KeyMetadata"]["Arn"]
    sign = {"KeyId": key_arn, "Message": b"record", "MessageType": "RAW", "SigningAlgorithm": "ECDSA_SHA_256"}

    signature = emulator.session_for_role(reviewer, "jane").client("kms").sign(**sign)["Signature"]
    with pytest.raises(Exception, match="AccessDenied"):  # the key policy names RAW messages only
        emulator.session_for_role(reviewer, "jane").client("kms").sign(**{**sign, "MessageType": "DIGEST"})

    # a gate role: it may verify (the account delegates kms:Verify to IAM, and the role's policy grants it) ...
    refs = {**REFS, "ApprovalSigningKey.Arn": key_arn}
    gate_docs = {
        name: resolve(doc, refs, conditions)
        for name, doc in role_documents(template, "GateReaderRole", {**conditions, "SignApprovals": False}).items()
    }
    gate_docs["GateReaderPolicy"] = resolve(
        template["Resources"]["GateReaderPolicy"]["Properties"]["PolicyDocument"], refs, conditions
    )
    gate_docs["even-kms-sign"] = {  # ... and never sign, whatever IAM grants it
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "kms:Sign", "Resource": "*"}],
    }
    gate = emulator.session_for_role(emulator.create_role("GateReaderRole", gate_docs), "gate").client("kms")
    verify = {k: v for k, v in sign.items() if k != "MessageType"}
    assert gate.verify(**verify, Signature=signature)["SignatureValid"] is True
    message = _denied(lambda: gate.sign(**sign))
    assert "no key policy statement allows the kms:Sign action" in message
    populate = emulator.create_role(
        "PopulateCardRole", role_documents(template, "PopulateCardRole", {**conditions, "SignApprovals": False})
    )
    populate_kms = emulator.session_for_role(populate, "pp").client("kms")
    assert "no identity-based policy allows the kms:Verify" in _denied(
        lambda: populate_kms.verify(**verify, Signature=signature)
    )
