"""Secrets are found by name and by value wherever the card copies text, at least as well as detect-secrets."""

from __future__ import annotations

import json

import pytest

from mcgov.steps.card.build import BuildInputs, ReportInput, build_content
from mcgov.steps.card.secrets import REDACTED, is_secret, is_secret_name, scrub, secret_kinds

SECRET_NAMES = [
    "password",
    "DB_PASS",
    "db_password",
    "pwd",
    "passwd",
    "passphrase",
    "dsn",
    "Authorization",
    "jwt",
    "cookie",
    "salt",
    "github_pat",
    "githubPat",
    "api_key",
    "apiKey",
    "API-KEY",
    "x-api-key",
    "secret",
    "client_secret",
    "aws_secret_access_key",
    "aws_access_key_id",
    "hf_token",
    "HF_TOKEN",
    "auth_token",
    "access_token",
    "refresh_token",
    "id_token",
    "session_token",
    "sessionid",
    "bearer",
    "credentials",
    "creds",
    "private_key",
    "ssh_key",
    "signing_key",
    "encryption_key",
    "master_key",
    "webhook_url",
    "slack_webhook",
    "otp",
    "pin",
    "hmac",
    "sas_token",
    "conn_str",
    "connection_string",
    "kubeconfig",
    "netrc",
    "oauth_token",
    "mnemonic",
    "license_key",
    "wandb_api_key",
    "mlflow_tracking_password",
    "DATABASE_PASSWORD",
    "SMTP_PASS",
    "db\u200bpassword",
    "\uff30\uff21\uff33\uff33\uff37\uff2f\uff32\uff24",
    "csrf_token",
    "token",
    "key",
]
ORDINARY = {
    "learning_rate": "0.001",
    "max_depth": "6",
    "eta": "0.2",
    "num_round": "100",
    "objective": "binary:logistic",
    "epochs": "10",
    "batch_size": "64",
    "tokenizer": "bert-base-uncased",
    "max_tokens": "512",
    "vocab_size": "30522",
    "num_layers": "12",
    "hidden_size": "768",
    "dropout": "0.1",
    "seed": "42",
    "eval_metric": "auc",
    "subsample": "0.8",
    "min_child_weight": "1",
    "gamma": "0",
    "alpha": "0.5",
    "sagemaker_program": "train.py",
    "sagemaker_region": "us-east-1",
    "sagemaker_submit_directory": "s3://sagemaker-us-east-1-111122223333/churn/source/sourcedir.tar.gz",
    "sagemaker_container_log_level": "20",
    "model_name": "churn-xgboost",
    "key_length": "128",
    "max_key_length": "64",
    "token_dropout": "0.1",
    "monkey": "yes",
    "keyword": "churn",
    "author": "team-a",
    "training_data": "s3://bucket/prefix/train/",
    "image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1",
    "feature_names": "age,tenure,plan",
    "_tuning_objective_metric": "validation:auc",
    "class_weights": "[1.0, 2.5]",
    "optimizer": "adamw",
    "scheduler": "cosine",
    "warmup_steps": "500",
    "num_labels": "2",
}
SECRET_VALUES = {
    "aws-access-key-id": "AKIAIOSFODNN7EXAMPLE",
    "aws-secret-key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "url-with-password": "postgres://admin:hunter2@db.internal:5432/churn",
    "bearer": "Bearer abcdef0123456789abcdef0123456789",
    "json-blob": json.dumps({"host": "db", "password": "hunter2"}),
    "cli-argument": "--db-password=hunter2",
    "kv-blob": "user=admin;password=hunter2",
    "flag-and-value": "--api-key s3cr3tvalue",
    "private-key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "jwt": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "github-token": "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
    "github-pat": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ",
    "slack-token": "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "slack-webhook": "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "stripe": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "sendgrid": "SG." + "a" * 22 + "." + "b" * 43,
    "high-entropy": "Zx9Qp2Lm8Rt4Vw7Ys1Kd6Hf3Jg5Nb0Ca",
    "hex-entropy": "3f8a9c2e7d1b4f6a0c5e8d2b7a9f1c3e",
    "hf": "hf_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345",
}


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_secret_names_are_found(name):
    assert is_secret_name(name)


@pytest.mark.parametrize("name, value", sorted(ORDINARY.items()))
def test_ordinary_hyperparameters_are_kept(name, value):
    assert not is_secret(name, value), secret_kinds(value)


@pytest.mark.parametrize("kind, value", sorted(SECRET_VALUES.items()))
def test_secret_values_under_harmless_names_are_found(kind, value):
    assert is_secret("notes", value), kind


CORPUS = (
    [(name, f"s3cr3t-Value-{i}") for i, name in enumerate(SECRET_NAMES)]
    + [("notes", v) for v in SECRET_VALUES.values()]
    + [(f"param_{i}", v) for i, v in enumerate(SECRET_VALUES.values())]
    + sorted(ORDINARY.items())
)


def _line(name: str, value: str) -> str:
    one_line = value.replace("\n", " ")
    return f'{name} = "{one_line}"\n'


@pytest.fixture(scope="module")
def detect_secrets_flagged(tmp_path_factory) -> set[tuple[str, str]]:
    """The corpus pairs detect-secrets (default plugins and limits) flags, written as ``name = "value"`` lines."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    path = tmp_path_factory.mktemp("corpus") / "corpus.py"
    path.write_text("".join(_line(name, value) for name, value in CORPUS))  # values are distinct: it dedups by value
    collection = SecretsCollection()
    with default_settings():
        collection.scan_file(str(path))
    lines = {secret.line_number for _, secret in collection}
    return {pair for number, pair in enumerate(CORPUS, start=1) if number in lines}


@pytest.mark.parametrize("name, value", CORPUS)
def test_whatever_detect_secrets_finds_is_found(name, value, detect_secrets_flagged):
    if (name, value) in detect_secrets_flagged:
        assert is_secret(name, value)


def test_the_anchor_finds_something_in_the_corpus(detect_secrets_flagged):
    """The comparison above is not vacuous: detect-secrets flags much of the corpus, and no ordinary value."""
    assert len(detect_secrets_flagged) >= 25, len(detect_secrets_flagged)
    assert not detect_secrets_flagged & set(ORDINARY.items())


def test_scrub_replaces_values_and_names_paths_only():
    data = {
        "custom_details": {"db_password": "hunter2", "owner": "team"},
        "notes": ["ok", "AKIAIOSFODNN7EXAMPLE"],
        "hyper_parameters": [{"name": "pwd", "value": "x1"}],
    }
    clean, paths = scrub(data)
    assert clean == {
        "custom_details": {"db_password": REDACTED, "owner": "team"},
        "notes": ["ok", REDACTED],
        "hyper_parameters": [{"name": "pwd", "value": REDACTED}],
    }
    assert paths == ["custom_details.db_password", "notes[1]", "hyper_parameters[0].value"]


def _job(hyperparameters: dict[str, str]) -> dict:
    return {
        "TrainingJobArn": "arn:aws:sagemaker:us-east-1:111111111111:training-job/j",
        "HyperParameters": hyperparameters,
        "AlgorithmSpecification": {"TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1"},
    }


def test_built_card_holds_no_secret_value_and_lists_what_it_hid():
    params = {
        **ORDINARY,
        "DB_PASS": "hunter2",
        "conn": SECRET_VALUES["url-with-password"],
        "extra": SECRET_VALUES["json-blob"],
        "args": SECRET_VALUES["cli-argument"],
    }
    report = {
        "binary_classification_metrics": {"accuracy": {"value": 0.9}},
        "notes": {"comment": SECRET_VALUES["aws-access-key-id"]},
    }
    template = {"additional_information": {"custom_details": {"ticket_token": "abc123def456", "cost_center": "CC-1"}}}
    content = build_content(
        BuildInputs(
            training_job=_job(params), template=template, reports=(ReportInput("evaluation.json", report, "0" * 64),)
        )
    )
    text = json.dumps(content)
    for value in ("hunter2", "AKIAIOSFODNN7EXAMPLE", "abc123def456"):
        assert value not in text
    hidden = {p["name"]: p["value"] for p in content["training_details"]["training_job_details"]["hyper_parameters"]}
    assert {hidden[n] for n in ("DB_PASS", "conn", "extra", "args")} == {REDACTED}
    assert {n: hidden[n] for n in ORDINARY} == ORDINARY
    custom = content["additional_information"]["custom_details"]
    assert "DB_PASS" in custom["mcgov.training.redacted_hyperparameters"]
    assert "template: additional_information.custom_details.ticket_token" in custom["mcgov.redacted"]
    assert custom["cost_center"] == "CC-1"
