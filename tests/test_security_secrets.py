"""Secrets never reach the card or the logs: Environment is not copied, secret-looking hyperparameters are
redacted, and the handlers' structured logs carry neither."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from mcgov.steps.card.service import CardSources, build_card
from tests.conftest import REPO

EXAMPLES = REPO / "examples" / "churn"
SECRETS = {
    "db_password": "pw-7f3a91c2e5",
    "api_key": "ak-5d18e0b6f4",
    "auth_token": "tok-c0ffee1234",
    "aws_secret_access_key": "sk-0a1b2c3d4e",
}
ENV_SECRET = "env-secret-9e8d7c6b5a"


def training_job() -> dict[str, Any]:
    job = copy.deepcopy(json.loads((EXAMPLES / "describe_training_job.json").read_text()))
    job["HyperParameters"] = {**job["HyperParameters"], **SECRETS}
    job["Environment"] = {**job.get("Environment", {}), "DB_PASSWORD": ENV_SECRET}
    return job


def leaked(text: str) -> list[str]:
    return [
        v
        for v in (
            *SECRETS.values(),
            ENV_SECRET,
            *json.loads((EXAMPLES / "describe_training_job.json").read_text()).get("Environment", {}).values(),
        )
        if v in text
    ]


def test_card_content_has_no_environment_and_redacts_secret_hyperparameters(tmp_path: Path) -> None:
    path = tmp_path / "job.json"
    path.write_text(json.dumps(training_job()))
    content = build_card(CardSources(training_job_path=str(path), evaluations=(str(EXAMPLES / "evaluation.json"),)))
    text = json.dumps(content)
    assert leaked(text) == []
    assert "DB_PASSWORD" not in text and "EXAMPLE_API_TOKEN" not in text
    params = {p["name"]: p["value"] for p in content["training_details"]["training_job_details"]["hyper_parameters"]}
    assert {name: params[name] for name in SECRETS} == {name: "<redacted>" for name in SECRETS}
    assert params["max_depth"] == "5"


def test_populate_card_handler_logs_and_card_carry_no_secret(
    emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mcgov.steps.handlers import populate_card

    job = training_job()
    s3 = card_session.client("s3")
    s3.create_bucket(Bucket="mcgov-secrets")
    s3.put_object(Bucket="mcgov-secrets", Key="evaluation.json", Body=(EXAMPLES / "evaluation.json").read_bytes())
    card_session.client("sagemaker").create_training_job(
        TrainingJobName=job["TrainingJobName"],
        HyperParameters=job["HyperParameters"],
        AlgorithmSpecification=job["AlgorithmSpecification"],
        RoleArn=job["RoleArn"],
        InputDataConfig=job["InputDataConfig"],
        OutputDataConfig=job["OutputDataConfig"],
        ResourceConfig=job["ResourceConfig"],
        StoppingCondition=job["StoppingCondition"],
        Environment=job["Environment"],
    )
    emulator.act_as("card")
    capsys.readouterr()
    result = populate_card.handler(
        {
            "card_name": "churn-model",
            "training_job_name": job["TrainingJobName"],
            "evaluation_uris": ["s3://mcgov-secrets/evaluation.json"],
        },
        None,
    )
    logs = capsys.readouterr().out
    lines = [json.loads(line) for line in logs.splitlines() if line.strip()]
    records = [line for line in lines if "_aws" not in line]  # EMF metric lines are JSON too, with no level
    state = _logger_state()
    assert records and all("level" in r and "message" in r for r in records), json.dumps([logs, state])
    assert leaked(logs) == []
    card = card_session.client("sagemaker").describe_model_card(ModelCardName=result["card_arn"])
    assert leaked(card["Content"]) == []
    from mcgov.steps.handlers.exceptions import HandlerFailure

    with pytest.raises(HandlerFailure):
        populate_card.handler(
            {
                "card_name": "churn-model",
                "training_job_name": job["TrainingJobName"],
                "evaluation_uris": [f"s3://mcgov-secrets/{SECRETS['api_key']}.json"],
                "password": ENV_SECRET,
            },
            None,
        )
    assert ENV_SECRET not in capsys.readouterr().out


def _logger_state() -> dict[str, Any]:
    """What decides whether the handlers' log lines reach stdout (shown when none did)."""
    import logging
    import sys

    from mcgov.steps.handlers.runtime import logger

    inner = logger._logger
    return {
        "level": inner.level,
        "disabled": inner.disabled,
        "handlers": [type(h).__name__ for h in inner.handlers],
        "manager_disable": logging.root.manager.disable,
        "stdout": type(sys.stdout).__name__,
        "env": {k: v for k, v in os.environ.items() if "LOG" in k},
    }
