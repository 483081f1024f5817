"""Demo scenes 4-6: share through RAM, watch associations, gate, verify from staging; then a blocked gate."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from share_policies import load_policy
from steps.card.service import CardSources, populate_card
from steps.common.jsonutil import json_safe
from steps.gate import run_gate, verify_consumers
from steps.share import ensure_share, ram_client, share_status

REPO = Path(__file__).resolve().parents[1]
POLICY_PATH = REPO / "share_policies" / "example.yaml"
READONLY_TEMPLATE = json.dumps({"Effect": "Allow", "Action": ["sagemaker:DescribeModelCard", "sagemaker:ListModelCardVersions"]})


def create_readonly_permission(card_session: Any) -> None:
    """What the CloudFormation stack does once per card account: the prod read-only RAM permission."""
    card_session.client("ram").create_permission(name="ModelCardReadOnly", resourceType="sagemaker:ModelCard",
                                                  policyTemplate=READONLY_TEMPLATE)


def share_and_gate(emu: Any, card_session: Any, card_arn: str, out: Path) -> None:
    policy = load_policy(POLICY_PATH)
    emu.set_association_delay(polls=2)
    create_readonly_permission(card_session)
    ram = ram_client(card_session, policy.region)
    sm = card_session.client("sagemaker")

    _title(f"4. Share the card through AWS RAM ({POLICY_PATH.relative_to(REPO)})")
    result = ensure_share(ram, policy, card_arn)
    for stage in result.stages:
        print(f"   {stage.stage:8} {stage.share_name:28} accounts {', '.join(policy.stage(stage.stage).accounts)} "
              f"permission {stage.permission_arn.rsplit('/', 1)[1]} ({'created' if stage.created else 'already there'})")
    again = ensure_share(ram, policy, card_arn)
    print(f"   re-run: {sum(s.created for s in again.stages)} shares created, "
          f"{sum(len(s.added_principals) for s in again.stages)} principals added (converged)")

    _title("5. Gate: wait until every account and the card are ASSOCIATED")
    sm.update_model_card(ModelCardName=card_arn, ModelCardStatus="PendingReview")
    decision = run_gate(ram, sm, policy, "staging", card_arn, sleep=emu.clock.advance, clock=emu.clock.now,
                        progress=lambda line: print(f"   {line}"))
    record = decision.to_dict()
    print(f"   decision: allowed={record['allowed']} stage={record['stage']} card v{record['card']['version']} "
          f"sha256 {record['card']['content_sha256'][:12]}...")
    staging = emu.session(policy.stage("staging").accounts[0])
    verified = verify_consumers(decision, {policy.stage("staging").accounts[0]: staging})
    seen = staging.client("sagemaker").describe_model_card(ModelCardName=card_arn)
    print(f"   staging account {policy.stage('staging').accounts[0]} reads {seen['ModelCardName']} v{seen['ModelCardVersion']} "
          f"by ARN: consumer check {'passed' if verified.allowed else 'FAILED'}")
    prod = run_gate(ram, sm, policy, "prod", card_arn, sleep=emu.clock.advance, clock=emu.clock.now)
    print(f"   prod gate: allowed={prod.allowed}: {prod.reasons[0]}")
    sm.update_model_card(ModelCardName=card_arn, ModelCardStatus="Approved")
    prod = run_gate(ram, sm, policy, "prod", card_arn, sleep=emu.clock.advance, clock=emu.clock.now)
    print(f"   after review (status Approved): prod gate allowed={prod.allowed}, read-only permission for prod")
    (out / "gate-staging.json").write_text(json.dumps(verified.to_dict(), indent=2) + "\n")
    print(f"   decision written to {out / 'gate-staging.json'}")
    status = share_status(ram, policy, card_arn)
    (out / "share-status.json").write_text(json.dumps(json_safe(status), indent=2) + "\n")


def blocked_scenario(emu: Any, card_session: Any, sources: CardSources, out: Path) -> None:
    policy = load_policy(POLICY_PATH)
    _title("6. A blocked gate: the staging account's association FAILS")
    sm, s3 = card_session.client("sagemaker"), card_session.client("s3")
    card = populate_card("churn-model-v2", sources, sagemaker=sm, s3=s3, status="PendingReview")
    emu.fail_association(principal=policy.stage("staging").accounts[0],
                         message="The account is not in the organization's allowed list (SCP)")
    ram = ram_client(card_session, policy.region)
    ensure_share(ram, policy, card.arn, stages=["staging"])
    decision = run_gate(ram, sm, policy, "staging", card.arn, sleep=emu.clock.advance, clock=emu.clock.now)
    record = decision.to_dict()
    print(f"   card {card.name} v{card.version}: allowed={record['allowed']}")
    for reason in record["reasons"]:
        print(f"   reason: {reason}")
    (out / "gate-blocked.json").write_text(json.dumps(record, indent=2) + "\n")
    print("   `mcgov gate check` would exit 1 here, stopping the deploy.")
    emu.clear_failures()


def _title(text: str) -> None:
    print(f"\n== {text}")
