"""The demo: build and publish the churn card from a finished pipeline, re-run it, show the card, share it
to the staging and prod accounts of ``share_policies/example.yaml``, gate promotion on the associations,
verify from the staging account by ARN, then show a blocked gate (a FAILED principal) and its reason.

Everything runs in-process on the project emulator (moto plus the project's extensions).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from demo import governance
from demo.seed import seed_pipeline_outputs
from emulator import Emulator, EmulatorConfig
from steps.card.service import CardSources, populate_card

CARD_NAME = "churn-model"
OUT = Path("out")
PIPELINE_EXECUTION_ARN = "arn:aws:sagemaker:us-east-1:111111111111:pipeline/churn/execution/demo0001"


def main() -> int:
    config = EmulatorConfig(region="us-east-1", card_account="111111111111",
                            accounts={"staging": "222222222222", "prod": "333333333333"})
    with Emulator(config) as emu:
        card_session = emu.session(config.card_account)
        _title("1. A finished churn pipeline (emulated)")
        where = seed_pipeline_outputs(card_session, bucket=f"mcgov-demo-{config.card_account}")
        for key, value in where.items():
            print(f"   {key:18} {value}")

        _title("2. Populate the model card from the pipeline's outputs")
        sources = CardSources(training_job_name=where["training_job_name"], evaluations=(where["evaluation"],),
                              template=where["template"], pipeline_execution_arn=PIPELINE_EXECUTION_ARN)
        sm, s3 = card_session.client("sagemaker"), card_session.client("s3")
        first = populate_card(CARD_NAME, sources, sagemaker=sm, s3=s3)
        print(f"   {first.result}: {first.arn} version {first.version} ({first.status})")
        again = populate_card(CARD_NAME, sources, sagemaker=sm, s3=s3)
        print(f"   re-run: {again.result}, still version {again.version} (same inputs, same card)")

        card = sm.describe_model_card(ModelCardName=CARD_NAME)
        content = json.loads(card["Content"])
        _show_card(card, content)
        OUT.mkdir(exist_ok=True)
        path = OUT / f"{CARD_NAME}.content.json"
        path.write_text(json.dumps(content, indent=2) + "\n")
        print(f"\n   content written to {path}")

        governance.share_and_gate(emu, card_session, first.arn, OUT)
        governance.blocked_scenario(emu, card_session, sources, OUT)
    return 0


def _show_card(card: dict[str, Any], content: dict[str, Any]) -> None:
    _title(f"3. The card: {card['ModelCardName']} v{card['ModelCardVersion']} [{card['ModelCardStatus']}]")
    print("   sections: " + ", ".join(content))
    job = content.get("training_details", {}).get("training_job_details", {})
    print(f"   training job: {job.get('training_arn')}")
    for metric in job.get("training_metrics", []):
        print(f"     {metric['name']:28} {metric['value']}")
    for entry in content.get("evaluation_details", []):
        print(f"   evaluation '{entry['name']}' ({entry.get('metadata', {}).get('mcgov.format')}):")
        for group in entry.get("metric_groups", []):
            for metric in group["metric_data"]:
                print(f"     {group['name'][:32]:32} {metric['name'][:34]:34} {_show_value(metric)}")


def _show_value(metric: dict[str, Any]) -> str:
    value = metric["value"]
    if metric["type"] == "matrix":
        return f"matrix {len(value)}x{len(value[0])}: {value}"
    if metric["type"] == "linear_graph":
        return f"curve of {len(value)} points"
    if metric["type"] == "bar_chart":
        return f"bar chart of {len(value)} bars"
    return str(value)


def _title(text: str) -> None:
    print(f"\n== {text}")
