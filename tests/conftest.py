"""Shared test helpers: the reference material in ``../shared`` and fake AWS credentials."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["tests.contract"]  # the ``backend`` fixture of the contract suites (emulator, or live)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CASES = SHARED / "real-world" / "cases"
SCHEMAS = SHARED / "reference" / "model-card-schema"


def require_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: the reference material lives in ../shared beside the repo")
    return path


def load_case(relative: str) -> Any:
    return json.loads(require_shared(CASES / relative).read_text())


@pytest.fixture
def strict_schema() -> dict[str, Any]:
    return json.loads(require_shared(SCHEMAS / "model_card_schema.merged-strict.json").read_text())


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and region so that no test can reach a real account."""
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")


REVIEWER_ROLE = "CardReviewer"  # the approver of share_policies/example.yaml
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def reviewer_role(emulator: Any, account: str = "card") -> str:
    """The example policy's approver role (``CardReviewer``) in ``account``, allowed everything: tests of who approves,
    not of IAM. Returns its ARN (``emulator.session_for_role`` / ``emulator.act_as`` use it)."""
    iam = emulator.session(account).client("iam")
    try:
        return str(iam.get_role(RoleName=REVIEWER_ROLE)["Role"]["Arn"])
    except iam.exceptions.NoSuchEntityException:
        return str(emulator.create_role(REVIEWER_ROLE, {"all": ALLOW_ALL}, account=account))


def approve_current(emulator: Any, policy: Any, card_arn: str, *, accept_unidentified: bool = False) -> Any:
    """What a reviewer does before prod: ``mcgov card approve`` of the card's current version, as a CardReviewer
    session (the example policy's approver); ``accept_unidentified`` for cards written outside ``mcgov publish``."""
    from mcgov.steps.approval.service import approve_card

    session = emulator.session_for_role(reviewer_role(emulator), "jane")
    sagemaker = session.client("sagemaker", region_name=policy.region)
    version = sagemaker.describe_model_card(ModelCardName=card_arn)["ModelCardVersion"]
    return approve_card(
        sagemaker,
        session.client("sts", region_name=policy.region),
        policy,
        card_arn,
        version=version,
        accept_edits_from=("unidentified",) if accept_unidentified else (),
    )
