"""``mcgov card``: offline build, validate, and one-line errors with exit code 2 for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from mcgov.steps.cli.main import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "churn"
JOB = str(EXAMPLES / "describe_training_job.json")
EVAL = str(EXAMPLES / "evaluation.json")
TEMPLATE = str(EXAMPLES / "card-template.yaml")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_build_prints_validated_content_and_is_deterministic(capsys, strict_schema):
    code, out, err = run(capsys, "card", "build", "--training-job", JOB, "--evaluation", EVAL, "--template", TEMPLATE)
    assert code == 0, err
    content = json.loads(out)
    jsonschema.validate(content, strict_schema)
    assert content["model_overview"]["model_owner"] == "churn-analytics@example.com"
    assert content["training_details"]["training_job_details"]["training_metrics"][1] == {
        "name": "validation:auc",
        "value": 0.9512,
    }
    entry = content["evaluation_details"][0]
    assert entry["name"] == "evaluation.json" and entry["metadata"]["mcgov.format"] == "evaluation-json"
    assert len(entry["metadata"]["mcgov.sha256"]) == 64
    assert "never-copied-into-the-card" not in out and "EXAMPLE_API_TOKEN" not in out
    _, again, _ = run(capsys, "card", "build", "--training-job", JOB, "--evaluation", EVAL, "--template", TEMPLATE)
    assert again == out


def test_build_writes_output_file_and_validate_accepts_it(capsys, tmp_path):
    target = tmp_path / "card.json"
    code, out, _ = run(capsys, "card", "build", "--training-job", JOB, "--evaluation", EVAL, "--out", str(target))
    assert code == 0 and out == ""
    code, out, _ = run(capsys, "card", "validate", str(target))
    assert code == 0 and json.loads(out)["valid"] is True


@pytest.mark.parametrize("where, words", [("dir", "is a directory"), ("missing", "does not exist")])
def test_output_to_a_directory_or_a_missing_folder_is_bad_input(capsys, tmp_path, where, words):
    target = tmp_path if where == "dir" else tmp_path / "no-such-folder" / "card.json"
    code, out, err = run(capsys, "card", "build", "--training-job", JOB, "--out", str(target))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("mcgov: error: --out: ") and words in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_two_reports_with_the_same_file_name_get_distinct_entries(capsys, tmp_path):
    other = tmp_path / "evaluation.json"
    other.write_text(json.dumps({"regression_metrics": {"mse": {"value": 1.5, "standard_deviation": 0.1}}}))
    code, out, err = run(capsys, "card", "build", "--evaluation", EVAL, "--evaluation", str(other))
    assert code == 0, err
    names = [e["name"] for e in json.loads(out)["evaluation_details"]]
    assert names == ["churn/evaluation.json", f"{tmp_path.name}/evaluation.json"]
    code, out, _ = run(capsys, "card", "build", "--evaluation", EVAL, "--evaluation", EVAL)
    assert [e["name"] for e in json.loads(out)["evaluation_details"]] == ["evaluation.json", "evaluation.json (2)"]


def _bad(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    "make_args, expected",
    [
        (lambda t: ["card", "build", "--evaluation", _bad(t, "e.json", "{not json")], "e.json: invalid JSON"),
        (lambda t: ["card", "build", "--evaluation", str(t / "missing.json")], "missing.json: cannot read file"),
        (lambda t: ["card", "build", "--evaluation", EVAL, "--evaluation-format", "nonsense"], "nonsense"),
        (
            lambda t: ["card", "build", "--training-job", _bad(t, "job.json", '{"TrainingJobArn": 5}')],
            "job.json: TrainingJobArn",
        ),
        (
            lambda t: ["card", "build", "--template", _bad(t, "tpl.yaml", "intended_uses:\n  risk_rating: Huge\n")],
            "tpl.yaml: intended_uses.risk_rating",
        ),
        (lambda t: ["card", "build", "--template", _bad(t, "tpl.yaml", "a: [\n")], "tpl.yaml: invalid YAML"),
        (
            lambda t: ["card", "validate", _bad(t, "c.json", '{"evaluation_details": [{"name": "' + "x" * 70 + '"}]}')],
            "c.json: evaluation_details[0].name",
        ),
        (
            lambda t: ["card", "publish", "--name", "bad_name!", "--content", _bad(t, "c.json", "{}")],
            "not a model card name",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_file_and_field(capsys, tmp_path, make_args, expected):
    out_file = tmp_path / "never.json"
    code, out, err = run(
        capsys, *make_args(tmp_path), *(["--out", str(out_file)] if make_args(tmp_path)[1] == "build" else [])
    )
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err
    assert not out_file.exists()


def test_console_script_reports_bad_input_without_traceback(tmp_path):
    bad = _bad(tmp_path, "report.json", "[1, 2")
    proc = subprocess.run(
        [sys.executable, "-m", "mcgov.steps.cli.main", "card", "build", "--evaluation", bad],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("mcgov: error: ") and "report.json" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_cli_loads_the_authoring_layer_only_inside_the_workflow_command():
    code = (
        "import sys\nimport mcgov.steps.cli.main as m\n"
        "try:\n    m.main(['card', '--help'])\nexcept SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
        "print(sorted(n for n in sys.modules if n.startswith('mcgov.pipelines')), file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert "usage: mcgov card" in proc.stdout
    assert proc.stderr.strip().splitlines()[-1] == "[]"


def test_output_never_replaces_a_device_fifo_or_link(capsys, tmp_path):
    import os

    fifo, link = tmp_path / "pipe", tmp_path / "link.json"
    os.mkfifo(fifo)
    link.symlink_to(tmp_path / "elsewhere.json")
    for target in (fifo, link):  # a FIFO stands for every non-regular file (devices included) without risking one
        code, out, err = run(capsys, "card", "build", "--training-job", JOB, "--out", str(target))
        assert code == 2 and "not a regular file" in err and err.count("\n") == 1
    assert not (tmp_path / "elsewhere.json").exists() and sorted(p.name for p in tmp_path.iterdir()) == [
        "link.json",
        "pipe",
    ]


@pytest.mark.parametrize("failing", ["tempfile.mkstemp", "os.replace"])
def test_output_the_system_refuses_to_write_is_one_line_exit_2(capsys, tmp_path, monkeypatch, failing):
    """A folder the system will not write in (read-only, ``/proc``, a full disk): exit 2 naming the flag, no
    traceback, no temporary file left behind."""
    import errno
    import os

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(failing, refuse)
    code, out, err = run(capsys, "card", "build", "--training-job", JOB, "--out", str(tmp_path / "card.json"))
    assert code == 2 and err.count("\n") == 1 and "--out: cannot write" in err and "Read-only file system" in err
    assert list(tmp_path.iterdir()) == []
