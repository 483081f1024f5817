"""Demo scene: the model registry. Register the model package, embed the card, share the model package group
beside the card for prod, gate the package (recorded as its ModelLifeCycle), and prod describes the package."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from mcgov.share_policies.loader import parse_policy
from mcgov.steps.approval.store import ApprovalStore
from mcgov.steps.registry.embedded import approve_embedded, embed_card
from mcgov.steps.registry.lifecycle import gate_package
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import ensure_share
from mcgov.steps.share.groups import group_arn_of_package

REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / "share_policies" / "example.yaml"
GROUP = "churn-packages"


def _unrelated_package(sm: Any, package: str) -> str:
    """A package of another group whose embedded card is a copy of ``package``'s (it names this card and sha256)."""
    sm.create_model_package_group(ModelPackageGroupName="unrelated-models")
    other = sm.create_model_package(
        ModelPackageGroupName="unrelated-models",
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    sm.update_model_package(
        ModelPackageArn=other, ModelCard=sm.describe_model_package(ModelPackageName=package)["ModelCard"]
    )
    return str(other)


def registry_scene(emu: Any, card_name: str, out: Path) -> None:
    """Scene 5b, after the card was approved for prod."""
    print("\n== 5b. The model registry: the card inside the package, the package group shared beside it")
    card_session = emu.session("card")
    sm = card_session.client("sagemaker")
    sm.create_model_package_group(ModelPackageGroupName=GROUP)
    package = sm.create_model_package(
        ModelPackageGroupName=GROUP,
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    print(f"   registered {package}")
    card = sm.describe_model_card(ModelCardName=card_name)
    embedded = embed_card(sm, package, card)
    print(
        f"   `mcgov card publish --embed`: {embedded.result}, status {embedded.status} (the pipeline never approves); "
        f"{embedded.to_dict()['note']}"
    )
    if embedded.dropped:
        print(
            "   (why: a model package holds its card in SageMaker's model package model card schema, whose "
            "model_overview keeps only model_creator and model_artifact and which has no model_package_details; "
            "the package card lists what it left out under mcgov.embedded.dropped, and the model card keeps it all)"
        )
    record = ApprovalStore(sm).read(card["ModelCardArn"])
    assert record is not None, "scene 5 approved the card"
    approved = approve_embedded(sm, package, card["ModelCardArn"], record)
    print(f"   `mcgov card approve` approves the embedded card too: approved={approved['approved']}")
    data = yaml.safe_load(POLICY.read_text())
    data["stages"]["prod"]["model_package_group"] = GROUP  # prod promotes packages of this group only
    policy = parse_policy(data)
    other = _unrelated_package(sm, package)
    refused, note = gate_package(card_session, policy, policy.stage("prod"), card["ModelCardArn"], other, wait=0)
    print(
        f"   a package of another group carrying this card's embedded card: allowed={refused.allowed} "
        f"({refused.reasons[0].split(';')[0]}); {note['note']}"
    )
    group = group_arn_of_package(package)
    emu.set_association_delay(polls=0)
    prod = policy.stage("prod")
    result = ensure_share(
        ram_client(card_session, policy.region), policy, card["ModelCardArn"], stages=[prod], package_group_arn=group
    )
    print(f"   share ensure --model-package: group share {result.package_group_stages[0].share_name} for prod")
    decision, recorded = gate_package(card_session, policy, prod, card["ModelCardArn"], package, wait=60)
    print(f"   gate check --model-package: allowed={decision.allowed}; ModelLifeCycle {recorded['lifecycle']}")
    seen = emu.session("prod").client("sagemaker").describe_model_package(ModelPackageName=package)
    print(
        f"   prod describes {seen['ModelPackageArn']} by ARN: lifecycle {seen['ModelLifeCycle']['Stage']}/"
        f"{seen['ModelLifeCycle']['StageStatus']}, embedded card {seen['ModelCard']['ModelCardStatus']}"
    )
    (out / "model-package.json").write_text(
        json.dumps(
            {
                "model_package_arn": package,
                "lifecycle": seen["ModelLifeCycle"],
                "model_card_status": seen["ModelCard"]["ModelCardStatus"],
                "gate": decision.to_dict(),
            },
            indent=2,
            default=str,
        )
        + "\n"
    )
