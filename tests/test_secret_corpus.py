"""Secrets corpus: 50+ token formats are found wherever the card copies text and never reach a card, a render, a
CLI error line or a Lambda log; identifiers that look random (ARNs of every service, 200 SageMaker Pipelines
training-job ARNs, image digests, ``sha256:`` hashes) are kept, whatever field holds them."""

from __future__ import annotations

import json
import random
import string
from typing import Any

import pytest

from mcgov.steps.card.build import BuildInputs, build_content
from mcgov.steps.card.secrets import REDACTED, is_identifier, is_secret, redact_text, secret_kinds
from mcgov.steps.cli.main import main
from mcgov.steps.review.html import render_html
from mcgov.steps.review.markdown import render_markdown

_R = random.Random(18)
HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"


def _s(alphabet: str, n: int) -> str:
    return "".join(_R.choice(alphabet) for _ in range(n))


# One value per format, made like the vendor makes it (prefixes and alphabets from the vendors' documentation, as
# gitleaks, Nosey Parker and detect-secrets encode them); each is found by value, under a harmless name.
SECRETS: dict[str, str] = {
    "aws-access-key-id": "AKIA" + _s(string.ascii_uppercase + "234567", 16),
    "aws-temporary-key-id": "ASIA" + _s(string.ascii_uppercase + "234567", 16),
    "aws-secret-access-key": _s(ALNUM + "+/", 40),
    "aws-session-token": "FwoGZXIvYXdzE" + _s(ALNUM + "+/", 300),
    "rsa-private-key": "-----BEGIN RSA PRIVATE KEY-----\n" + _s(ALNUM + "+/", 64) + "\n-----END RSA PRIVATE KEY-----",
    "openssh-private-key": "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    + _s(ALNUM, 70)
    + "\n-----END OPENSSH PRIVATE KEY-----",
    "ec-private-key": "-----BEGIN EC PRIVATE KEY-----\n" + _s(ALNUM, 64) + "\n-----END EC PRIVATE KEY-----",
    "pgp-private-key": "-----BEGIN PGP PRIVATE KEY BLOCK-----\n" + _s(ALNUM, 64),
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx" + _s(ALNUM, 20) + "." + _s(B64URL, 43),
    "bearer": "Authorization: Bearer " + _s(ALNUM, 40),
    "postgres-url": f"postgres://svc:{_s(ALNUM, 16)}@db.internal:5432/churn",
    "redis-url-empty-user": f"redis://:{_s(ALNUM, 12)}@cache.internal:6379/0",
    "rediss-url-empty-user": f"rediss://:{_s(ALNUM, 24)}@cache.example.com",
    "mongodb-srv": f"mongodb+srv://app:{_s(ALNUM, 20)}@cluster0.example.mongodb.net/db",
    "amqp-url": f"amqp://worker:{_s(ALNUM, 10)}@mq.internal/vhost",
    "github-pat-classic": "ghp_" + _s(ALNUM, 36),
    "github-fine-grained": "github_pat_11" + _s(ALNUM, 20) + "_" + _s(ALNUM, 59),
    "github-app-token": "ghs_" + _s(ALNUM, 36),
    "gitlab-pat": "glpat-" + _s(B64URL, 20),
    "slack-bot-token": f"xoxb-{_s(string.digits, 12)}-{_s(string.digits, 13)}-{_s(ALNUM, 24)}",
    "slack-webhook": f"https://hooks.slack.com/services/T{_s(ALNUM, 8)}/B{_s(ALNUM, 10)}/{_s(ALNUM, 24)}",
    "stripe-secret": "sk_live_" + _s(ALNUM, 24),
    "stripe-restricted": "rk_live_" + _s(ALNUM, 24),
    "sendgrid": "SG." + _s(B64URL, 22) + "." + _s(B64URL, 43),
    "npm": "npm_" + _s(ALNUM, 36),
    "pypi": "pypi-AgEIcHlwaS5vcmc" + _s(B64URL, 60),
    "openai-project": "sk-proj-" + _s(B64URL, 74) + "T3BlbkFJ" + _s(B64URL, 74),
    "anthropic": "sk-ant-api03-" + _s(B64URL, 93) + "AA",
    "twilio-api-key": "SK" + _s(HEX, 32),
    "mailchimp": _s(HEX, 32) + "-us14",
    "google-api-key": "AIza" + _s(B64URL, 35),
    "google-oauth-client-secret": "GOCSPX-" + _s(B64URL, 28),
    "google-oauth-access-token": "ya29." + _s(B64URL, 120),
    "azure-storage-connection": "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey="
    + _s(ALNUM + "+/", 86)
    + "==",
    "azure-sas-url": "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=" + _s(ALNUM + "%", 44),
    "discord-bot-token": "M" + _s(ALNUM, 23) + "." + _s(B64URL, 6) + "." + _s(B64URL, 27),
    "telegram-bot-token": _s(string.digits, 10) + ":" + _s(B64URL, 35),
    "square": "sq0atp-" + _s(B64URL, 22),
    "huggingface": "hf_" + _s(ALNUM, 34),
    "shopify-access-token": "shpat_" + _s(HEX, 32),
    "shopify-custom-app": "shpca_" + _s(HEX, 32),
    "shopify-private-app": "shppa_" + _s(HEX, 32),
    "shopify-shared-secret": "shpss_" + _s(HEX, 32),
    "digitalocean-pat": "dop_v1_" + _s(HEX, 64),
    "digitalocean-oauth": "doo_v1_" + _s(HEX, 64),
    "digitalocean-refresh": "dor_v1_" + _s(HEX, 64),
    "databricks": "dapi" + _s(HEX, 32),
    "databricks-suffixed": "dapi" + _s(HEX, 32) + "-2",
    "newrelic-license-key": _s(HEX, 36) + "NRAL",
    "newrelic-eu-license-key": "eu01xx" + _s(HEX, 30) + "NRAL",
    "newrelic-user-key": "NRAK-" + _s(string.ascii_uppercase + string.digits, 27),
    "newrelic-insert-key": "NRII-" + _s(B64URL, 32),
    "pulumi": "pul-" + _s(HEX, 40),
    "postman": "PMAK-" + _s(HEX, 24) + "-" + _s(HEX, 34),
    "linear": "lin_api_" + _s(ALNUM, 40),
    "doppler": "dp.pt." + _s(ALNUM, 43),
    "vault": "hvs." + _s(B64URL, 90),
    "grafana-service-account": "glsa_" + _s(ALNUM, 32) + "_" + _s(HEX, 8),
    "dockerhub": "dckr_pat_" + _s(B64URL, 27),
    "heroku": "HRKU-AA" + _s(B64URL, 58),
    "dynatrace": "dt0c01." + _s(ALNUM, 24) + "." + _s(ALNUM, 64),
    "age": "AGE-SECRET-KEY-1" + _s("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58),
    "connection-string-password": f"Server=db;Database=churn;User Id=svc;Password={_s(ALNUM, 14)};",
    "cli-flag": f"--db-password {_s(ALNUM, 14)}",
    "json-client-secret": json.dumps({"client_id": "abc", "client_secret": _s(ALNUM, 32)}),
    "high-entropy": _s(ALNUM, 32),
}


def _pipeline_arn(rng: random.Random) -> tuple[str, str, str]:
    """(training-job ARN, job name, account) as SageMaker Pipelines names a step's job:
    pipelines-<12-character execution id>-<step name, possibly cut>-<10-character suffix>."""
    region = rng.choice(["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ca-central-1"])
    account = "".join(rng.choice(string.digits) for _ in range(12))
    execution = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(12))
    step = rng.choice(["TrainModel", "train", "Train-XGBoost", "abalonetrain", "churn-train", "TrainStep", "Fit"])
    suffix = "".join(rng.choice(ALNUM) for _ in range(10))
    name = f"pipelines-{execution}-{step}-{suffix}"
    return f"arn:aws:sagemaker:{region}:{account}:training-job/{name}", name, account


PIPELINE_JOBS = [_pipeline_arn(random.Random(i)) for i in range(200)]
DIGEST = _s(HEX, 64)
IDENTIFIERS = [
    "arn:aws:sagemaker:us-east-1:111122223333:training-job/pipelines-abc123xyz-train-AbCdEf1234",
    "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-20240101T000000",
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/churn/db-Ab3dE5",
    "arn:aws:lambda:us-east-1:111122223333:function:mcgov-populate-card",
    "arn:aws:states:us-east-1:111122223333:execution:governance:8f3a0b1c-2d4e-4f60-8a9b-0c1d2e3f4a5b",
    "arn:aws:sagemaker:us-east-1:111122223333:pipeline/churn/execution/8odb8u7jb3ve",
    "arn:aws:sagemaker:us-east-1:111122223333:model-package/churn-packages/3",
    "arn:aws:sagemaker:us-east-1:111122223333:processing-job/pipelines-p1gtwhjm9dzt-EvaluateModel-XEdt5h2gQC",
    "arn:aws:ram:us-east-1:111122223333:resource-share/7ab63972-b505-7e2a-420d-6f5d3de7b2f1",
    "arn:aws:sts::111122223333:assumed-role/PipelineRole/SageMaker-Q7xY2pLm9KdR4tVw",
    "arn:aws:logs:us-east-1:111122223333:log-group:/aws/sagemaker/TrainingJobs:*",
    "arn:aws:codebuild:us-east-1:111122223333:build/mcgov-gate:3f8a9c2e-7d1b-4f6a-8c5e-d2b7a9f1c3e4",
    "arn:aws-cn:s3:::sagemaker-cn-north-1-111122223333/Q7xY2pLm9KdR4tVwZ8nB3",
    "arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:model-card/churn",
    "arn:aws:ecr:us-east-1:111122223333:repository/churn/xgboost",
    f"111122223333.dkr.ecr.us-east-1.amazonaws.com/churn/xgboost@sha256:{DIGEST}",
    f"111122223333.dkr.ecr.us-east-1.amazonaws.com/churn:1.7-1-cpu-py3@sha256:{_s(HEX, 64)}",
    f"683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:{_s(HEX, 40)}",
    f"sha256:{_s(HEX, 64)}",
    f"sha256:{_s(HEX, 64).upper()}",
    f"sha512:{_s(HEX, 128)}",
    "s3://sagemaker-us-east-1-111122223333/churn/pipelines-8pk6dxn4cfvl-TrainModel-bPVYsMzUlc/output/model.tar.gz",
    f"s3://mcgov-artifacts-111122223333/runs/{_s(ALNUM, 32)}/model.tar.gz",
    "pipelines-cfvy1tjuxdq8-abalonetrain-tavd6f3wdf",
    "pipelines-p1gtwhjm9dzt-EvaluateCustomModel-XEdt5h2gQC",
]
HARMLESS = (
    IDENTIFIERS
    + [arn for arn, _, _ in PIPELINE_JOBS]
    + [name for _, name, _ in PIPELINE_JOBS]
    + [f"s3://sagemaker-us-east-1-{account}/churn/{name}/output/model.tar.gz" for _, name, account in PIPELINE_JOBS]
)


def test_the_corpus_has_the_size_the_issue_names():
    assert len(SECRETS) >= 48 and len(PIPELINE_JOBS) == 200 and len(set(HARMLESS)) == len(HARMLESS)


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_every_secret_format_is_found_by_value_alone_and_inside_text(kind):
    value = SECRETS[kind]
    assert is_secret("notes", value), kind
    assert is_secret("description", f"the run used {value} yesterday"), kind
    entropy_only = ("aws-secret-access-key", "aws-session-token", "high-entropy")  # no shape to match in a message
    assert REDACTED in redact_text(f"x {value} y") or kind in entropy_only, kind


@pytest.mark.parametrize("value", HARMLESS)
def test_identifiers_are_never_redacted(value):
    assert secret_kinds(value) == [], value
    assert not is_secret("training_arn", value) and not is_secret("notes", f"trained by {value}.")
    assert redact_text(value) == value


@pytest.mark.parametrize("name", ["kms_key_arn", "secret_arn", "api_key_secret_arn", "credentials_s3_uri"])
def test_an_identifier_under_a_secret_looking_name_is_kept(name):
    assert all(not is_secret(name, value) for value in IDENTIFIERS if is_identifier(value))
    assert is_secret(name, "hunter2-not-an-arn")


def _job(arn: str, name: str, account: str) -> dict[str, Any]:
    image = f"{account}.dkr.ecr.us-east-1.amazonaws.com/churn/xgboost@sha256:{DIGEST}"
    return {
        "TrainingJobArn": arn,
        "TrainingJobName": name,
        "TrainingJobStatus": "Completed",
        "AlgorithmSpecification": {"TrainingImage": image, "TrainingInputMode": "File"},
        "ModelArtifacts": {"S3ModelArtifacts": f"s3://sagemaker-us-east-1-{account}/churn/{name}/output/model.tar.gz"},
        "HyperParameters": {
            "max_depth": "5",
            "sagemaker_submit_directory": f"s3://sagemaker-us-east-1-{account}/churn/{name}/source/sourcedir.tar.gz",
            "source_digest": f"sha256:{DIGEST}",
            "kms_key_arn": f"arn:aws:kms:us-east-1:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        },
    }


def test_cards_of_200_pipeline_training_jobs_keep_every_identifier():
    lost = []
    for arn, name, account in PIPELINE_JOBS:
        job = _job(arn, name, account)
        content = build_content(BuildInputs(training_job=job))
        details = content["training_details"]["training_job_details"]
        custom = content["additional_information"]["custom_details"]
        kept = (
            details["training_arn"] == arn
            and content["model_overview"]["model_artifact"] == [job["ModelArtifacts"]["S3ModelArtifacts"]]
            and details["training_environment"]["container_image"] == [job["AlgorithmSpecification"]["TrainingImage"]]
            and {p["name"]: p["value"] for p in details["hyper_parameters"]} == job["HyperParameters"]
            and custom["mcgov.training.job_name"] == name
            and "mcgov.redacted" not in custom
            and "mcgov.training.redacted_hyperparameters" not in custom
            and REDACTED not in json.dumps(content)
        )
        if not kept:
            lost.append(arn)
    assert lost == []


def _secret_job() -> dict[str, Any]:
    arn, name, account = PIPELINE_JOBS[0]
    job = _job(arn, name, account)
    job["HyperParameters"].update({f"param_{i}": value[:255] for i, value in enumerate(SECRETS.values())})
    return job


def _leaks(text: str) -> list[str]:
    """The corpus secrets (their distinctive part) found in ``text``."""
    return [kind for kind, value in SECRETS.items() if _core(value) in text]


def _core(value: str) -> str:
    """The part of a secret that must never show: the value itself, or the password of a URL / pair."""
    for separator in ("Password=", "--db-password ", 'client_secret": "', "://:", "Bearer "):
        if separator in value:
            return value.split(separator, 1)[1][:10]
    if "://" in value and "@" in value:
        return value.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
    return value[:40]


def test_no_secret_reaches_the_card_or_its_renders():
    template = {
        "additional_information": {"custom_details": {f"note_{i}": v[:1024] for i, v in enumerate(SECRETS.values())}}
    }
    content = build_content(BuildInputs(training_job=_secret_job(), template=template))
    text = json.dumps(content, ensure_ascii=False)
    assert _leaks(text) == []
    assert _leaks(render_markdown(content)) == [] and _leaks(render_html(content)) == []
    params = {p["name"]: p["value"] for p in content["training_details"]["training_job_details"]["hyper_parameters"]}
    assert all(params[f"param_{i}"] == REDACTED for i in range(len(SECRETS)))
    assert params["kms_key_arn"].startswith("arn:aws:kms:") and params["max_depth"] == "5"


# -- error lines and logs name the field, never the value ------------------------------------------------------

TOKEN = SECRETS["shopify-access-token"]


def _cli_cases(tmp_path) -> list[list[str]]:
    def write(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(text)
        return str(path)

    def metric(item: str) -> str:
        return (
            '{"evaluation_details": [{"name": "e", "metric_groups": [{"name": "g", "metric_data": [' + item + "]}]}]}"
        )

    def policy(card_account: str, account: str) -> str:
        return (
            f'version: 1\ncard_account: "{card_account}"\nregion: us-east-1\n'
            f'stages:\n  prod:\n    accounts: ["{account}"]\n'
        )

    return [
        ["card", "validate", write("c1.json", f'{{"model_overview": {{"model_version": "{TOKEN}"}}}}')],
        ["card", "validate", write("c2.json", metric(f'{{"name": "m", "type": "{TOKEN}", "value": 1}}'))],
        ["card", "validate", write("c3.json", metric(f'{{"name": "m", "type": "number", "value": "{TOKEN}"}}'))],
        ["card", "validate", write("c4.json", f'{{"intended_uses": {{"risk_rating": "{TOKEN}"}}}}')],
        ["card", "validate", write("c5.json", f'{{"model_overview": {{"model_owner": "{TOKEN}')],
        ["card", "validate", write("c6.json", f'{{"model_overview": {{"model_artifact": "{TOKEN}"}}}}')],
        ["card", "validate", write(f"{TOKEN}.json", "{")],
        ["policy", "validate", write("p1.yaml", policy(TOKEN, "333333333333"))],
        ["policy", "validate", write("p2.yaml", policy("111111111111", TOKEN))],
        ["policy", "validate", write("p3.yaml", f"version: 1\ncard_account: {TOKEN}: x\n")],
        ["card", "render", "--content", write("c7.json", "{}"), "--format", TOKEN],
        ["card", "diff", "a.json", "--from", TOKEN],
        ["card", "export", "churn", "--s3-output", f"s3://b/{TOKEN}?x"],
        ["card", "export", TOKEN + "!", "--s3-output", "s3://b/p"],
        ["card", "publish", "--name", TOKEN + "_x", "--content", write("c8.json", "{}")],
        ["card", "build", "--training-job", f"s3://bad bucket/{TOKEN}"],
        ["card", "validate", "x.json", f"--{TOKEN}", TOKEN],
        ["reconcile", "--policy", write("p4.yaml", policy("111111111111", "333333333333")), "--select", TOKEN],
    ]


def test_cli_errors_never_echo_a_token(tmp_path, capsys):
    for argv in _cli_cases(tmp_path):
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 2, (argv, err)
        assert err.count("\n") == 1 and TOKEN not in out + err, (argv, err)


def test_lambda_logs_and_failures_never_carry_a_token(emulator, capsys):
    """The populate Lambda fails on inputs that hold a token; neither its ERROR log nor its failure does."""
    from mcgov.steps.handlers import populate_card
    from mcgov.steps.handlers.exceptions import HandlerFailure

    emulator.act_as("card")
    events = [
        {"card_name": "churn", "training_job_name": TOKEN},
        {"card_name": "churn", "evaluation_uris": [f"s3://mcgov-missing/{TOKEN}.json"]},
        {"card_name": "churn", "template_uri": f"s3://mcgov-missing/t.yaml?token={TOKEN}"},
        {"card_name": TOKEN + "!"},
        {"card_name": "churn", "status": TOKEN},
        {"card_name": "churn", "kms_key_id": TOKEN, "training_job_name": "missing-job"},
        {"card_name": "churn", "evaluation_uris": TOKEN},
        {"card_name": "churn", "password": TOKEN},
    ]
    for event in events:
        capsys.readouterr()
        with pytest.raises(HandlerFailure) as caught:
            populate_card.handler(event, None)
        logs = capsys.readouterr().out
        assert TOKEN not in str(caught.value) and TOKEN not in logs, (event, str(caught.value), logs)
        records = [json.loads(line) for line in logs.splitlines() if line.strip()]
        assert any(r["level"] == "ERROR" for r in records), logs
