"""``mcgov card assess``: table, JSON, --list-frameworks, a content file offline, a card by name or ARN on the
emulator, and bad input (exit 2, one line naming the flag or file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mcgov.steps.cli.main import main
from tests.conftest import REPO
from tests.test_assess import complete_card

EXAMPLES = REPO / "examples" / "churn"
BUILD = (
    "card",
    "build",
    "--training-job",
    str(EXAMPLES / "describe_training_job.json"),
    "--evaluation",
    str(EXAMPLES / "evaluation.json"),
    "--template",
    str(EXAMPLES / "card-template.yaml"),
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def churn_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "churn.json"
    code, _, err = run(capsys, *BUILD, "--out", str(path))
    assert code == 0, err
    return path


def test_list_frameworks_as_a_table_and_as_json(capsys):
    code, out, _ = run(capsys, "card", "assess", "--list-frameworks")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["FRAMEWORK", "REQUIREMENTS", "TITLE"]
    assert [line.split()[0] for line in lines[1:]] == ["eu-ai-act-annex-iv", "iso-42001", "nist-ai-rmf"]
    assert "41 (25 counted)" in lines[1]
    code, out, _ = run(capsys, "card", "assess", "--list-frameworks", "--json")
    listed = json.loads(out)
    assert [f["framework"] for f in listed] == ["eu-ai-act-annex-iv", "iso-42001", "nist-ai-rmf"]
    assert {"title", "version", "url", "scope", "requirements", "counted"} <= set(listed[0])


def test_a_content_file_as_a_table(capsys, churn_file):
    code, out, err = run(capsys, "card", "assess", "--content", str(churn_file), "--framework", "eu-ai-act-annex-iv")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("EU AI Act, Annex IV") and lines[1] == "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
    assert lines[3].split() == ["REQUIREMENT", "TITLE", "STATUS", "EVIDENCE", "MISSING"]
    version = next(line for line in lines if line.startswith("IV.1(a).version "))
    assert " missing " in version and version.rstrip().endswith("model_overview.model_version or")
    nine = next(line for line in lines if line.startswith("IV.9 "))
    assert "not evidenced" in nine and "Post-market monitoring happens after" in nine
    assert (
        lines[-1]
        == "score 0.76: 17 covered, 4 partial, 4 missing of 25 counted; 16 not evidenced by a card (not counted)"
    )


def test_a_content_file_as_json(capsys, churn_file):
    code, out, _ = run(capsys, "card", "assess", "--content", str(churn_file), "--framework", "nist-ai-rmf", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["framework"] == "nist-ai-rmf" and data["score"] == 0.85 and data["counted"] == 20
    assert len(data["requirements"]) == 53
    manage = next(r for r in data["requirements"] if r["id"] == "MANAGE 1.1")
    assert manage == {
        "id": "MANAGE 1.1",
        "title": manage["title"],
        "source": "NIST AI 100-1, Table 4 (MANAGE), MANAGE 1.1",
        "status": "missing",
        "evidence": [],
        "missing": ["model_package_details.model_approval_status", "model_package_details.approval_description"],
        "reason": None,
    }
    monitored = next(r for r in data["requirements"] if r["id"] == "MEASURE 2.4")
    assert monitored["status"] == "not_evidenced_by_card" and monitored["reason"]


def test_a_complete_card_scores_one(capsys, churn_file, tmp_path):
    complete = tmp_path / "complete.json"
    complete.write_text(json.dumps(complete_card(json.loads(churn_file.read_text()))))
    for name in ("eu-ai-act-annex-iv", "iso-42001", "nist-ai-rmf"):
        code, out, _ = run(capsys, "card", "assess", "--content", str(complete), "--framework", name, "--json")
        assert code == 0 and json.loads(out)["score"] == 1.0


@pytest.mark.parametrize(
    "argv, words",
    [
        (("--content", "{churn}", "--framework", "soc2"), "--framework: not a known framework; use one of eu-ai-act"),
        (("--content", "{churn}"), "--framework: required; use one of eu-ai-act-annex-iv, iso-42001, nist-ai-rmf"),
        (("--framework", "iso-42001"), "NAME_OR_ARN or --content: give exactly one"),
        (("churn-model", "--content", "{churn}", "--framework", "iso-42001"), "give exactly one"),
        (
            ("--content", "{churn}", "--version", "2", "--framework", "iso-42001"),
            "--version: reads a card in SageMaker",
        ),
        (("--list-frameworks", "--framework", "iso-42001"), "--list-frameworks: takes no card"),
        (("--content", "{missing}", "--framework", "iso-42001"), "missing.json: cannot read file"),
        (("--content", "{bad}", "--framework", "iso-42001"), "bad.json: intended_uses.risk_rating: "),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, churn_file, tmp_path, argv, words):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"intended_uses": {"risk_rating": "Severe"}}))
    where = {"churn": str(churn_file), "missing": str(tmp_path / "missing.json"), "bad": str(bad)}
    code, out, err = run(capsys, "card", "assess", *(a.format(**where) for a in argv))
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith("mcgov: error: ") and words in err
    assert "soc2" not in err


@pytest.fixture
def cli(emulator: Any, capsys: pytest.CaptureFixture[str]) -> Any:
    emulator.act_as("card")
    return lambda *argv: run(capsys, *argv)


def test_a_card_by_name_or_by_arn_and_version_on_the_emulator(cli, churn_file, tmp_path):
    code, out, err = cli("card", "publish", "--name", "churn-model", "--content", str(churn_file))
    assert code == 0, err
    arn = json.loads(out)["arn"]
    complete = tmp_path / "complete.json"
    complete.write_text(json.dumps(complete_card(json.loads(churn_file.read_text()))))
    code, out, err = cli("card", "publish", "--name", "churn-model", "--content", str(complete))
    assert code == 0 and json.loads(out)["version"] == 2, err

    code, out, err = cli("card", "assess", "churn-model", "--framework", "eu-ai-act-annex-iv", "--json")
    assert code == 0, err
    assert json.loads(out)["score"] == 1.0
    code, by_arn, _ = cli("card", "assess", arn, "--version", "1", "--framework", "eu-ai-act-annex-iv", "--json")
    assert code == 0 and json.loads(by_arn)["score"] == 0.76
    code, offline, _ = cli(
        "card", "assess", "--content", str(churn_file), "--framework", "eu-ai-act-annex-iv", "--json"
    )
    assert code == 0 and json.loads(offline) == json.loads(by_arn)
    code, out, _ = cli("card", "assess", "churn-model", "--framework", "iso-42001")
    assert code == 0 and out.rstrip().endswith("(not counted)") and "score 1.00: 15 covered" in out


def test_a_card_that_does_not_exist_is_an_aws_failure(cli):
    code, out, err = cli("card", "assess", "no-such-card", "--framework", "iso-42001")
    assert code == 3 and out == "" and err.count("\n") == 1  # an AWS error: exit 3
    assert "no-such-card" in err
