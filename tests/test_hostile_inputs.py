"""Every input path x the one hostile corpus (``tests/hostile_corpus.py``), exhaustively.

Property: for every file input of ``mcgov`` and every hostile document, the command exits 2 with exactly one
``mcgov: error:`` line naming the file, no traceback, no AWS session and nothing written; for every identifier
input (flags and Lambda events) and every hostile identifier, the same holds, and a handler refuses with a
one-line ``HandlerFailure`` and makes no write call.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from mcgov.steps.cli.main import main
from mcgov.steps.handlers.config import clear_policy_cache
from mcgov.steps.handlers.exceptions import HandlerFailure
from tests.conftest import REPO
from tests.hostile_corpus import FILES, IDENTIFIERS, SIZE_ENV, materialize

EXAMPLES = REPO / "examples" / "churn"
TRAINING = str(EXAMPLES / "describe_training_job.json")
POLICY = str(REPO / "share_policies" / "example.yaml")
WRITES = ("Create", "Update", "Put", "Delete", "Associate", "Disassociate", "Accept", "Send", "Tag", "Add", "Start")

FILE_PATHS: dict[str, tuple[str, list[str]]] = {
    "training job": (".json", ["card", "build", "--training-job", "{}"]),
    "evaluation": (".json", ["card", "build", "--training-job", TRAINING, "--evaluation", "{}"]),
    "template": (".yaml", ["card", "build", "--training-job", TRAINING, "--template", "{}"]),
    "model package": (".json", ["card", "build", "--training-job", TRAINING, "--model-package", "{}"]),
    "content": (".json", ["card", "validate", "{}"]),
    "render content": (".json", ["card", "render", "--content", "{}", "--format", "markdown"]),
    "policy": (".yaml", ["policy", "validate", "{}"]),
    "share policy": (".yaml", ["share", "ensure", "--card", "churn-model", "--policy", "{}"]),
    "gate policy": (".yaml", ["gate", "check", "--card", "churn-model", "--policy", "{}", "--wait", "0"]),
}
# A template may be empty: it then fills nothing. Everything else in the corpus is bad input everywhere.
ACCEPTED = {("template", "empty")}


class NoAws:
    def __init__(self, *_: Any, **__: Any) -> None:
        raise AssertionError("bad input must be refused before any AWS session is made")


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, aws_env: None) -> None:
    monkeypatch.setattr(boto3, "Session", NoAws)
    for key, value in SIZE_ENV.items():
        monkeypatch.setenv(key, value)


@pytest.mark.parametrize("entry", FILES, ids=[f.name for f in FILES])
@pytest.mark.parametrize("path_name", sorted(FILE_PATHS))
def test_every_file_input_refuses_every_hostile_document(path_name, entry, tmp_path, offline, capsys):
    suffix, argv = FILE_PATHS[path_name]
    path = materialize(entry, tmp_path, suffix)
    before = sorted(p.name for p in tmp_path.iterdir())
    code = main([str(path) if arg == "{}" else arg for arg in argv])
    out, err = capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing may be written"
    if (path_name, entry.name) in ACCEPTED:
        assert code == 0, err
        return
    assert code == 2, f"{entry.why}: exit {code}, stderr {err!r}"
    assert err.startswith("mcgov: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert str(path) in err, f"the message must name the file: {err!r}"
    assert out == ""


IDENTIFIER_ARGS: dict[str, list[str]] = {
    "share --card": ["share", "ensure", "--policy", POLICY, "--card", "{}"],
    "gate --card": ["gate", "check", "--policy", POLICY, "--wait", "0", "--card", "{}"],
    "gate --stage": ["gate", "check", "--policy", POLICY, "--wait", "0", "--card", "churn-model", "--stage", "{}"],
    "publish --name": ["card", "publish", "--training-job", TRAINING, "--name", "{}"],
    "approve card": ["card", "approve", "--policy", POLICY, "{}"],
    "reconcile --select name-prefix": ["reconcile", "--policy", POLICY, "--select", "name-prefix={}"],
    "hub sync --spoke": ["hub", "sync", "--policy", "{hub}", "--spoke", "{}"],
}
HUB_POLICY = (
    'version: 1\ntopology: hub-and-spoke\nhub_account: "111111111111"\nregion: us-east-1\n'
    'spokes:\n  - account: "444444444444"\n'
)


@pytest.mark.parametrize("value, why", IDENTIFIERS, ids=[why for _, why in IDENTIFIERS])
@pytest.mark.parametrize("flag", sorted(IDENTIFIER_ARGS))
def test_every_identifier_flag_refuses_every_hostile_identifier(flag, value, why, offline, capsys, tmp_path):
    hub = tmp_path / "hub.yaml"
    hub.write_text(HUB_POLICY)
    code = main([str(hub) if arg == "{hub}" else arg.replace("{}", value) for arg in IDENTIFIER_ARGS[flag]])
    out, err = capsys.readouterr()
    assert code == 2, f"{why}: exit {code}, stderr {err!r}"
    assert err.count("\n") == 1 and "Traceback" not in err and out == ""


EVENTS: dict[str, Any] = {
    "populate_card": lambda v: {"card_name": v, "training_job_name": "job"},
    "share_card": lambda v: {"card_arn": v},
    "check_gate card": lambda v: {"card_arn": v, "stage": "staging"},
    "check_gate stage": lambda v: {"card_arn": "churn-model", "stage": v},
}


@pytest.fixture(scope="module")
def deployed(module_emulator):
    """One emulator for every refusal below: each test checks that its own handler call wrote nothing."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        clear_policy_cache()
        monkeypatch.setenv("MCGOV_POLICY_URI", POLICY)
        module_emulator.act_as("card")
        yield module_emulator
        clear_policy_cache()


@pytest.mark.parametrize("value, why", IDENTIFIERS, ids=[why for _, why in IDENTIFIERS])
@pytest.mark.parametrize("event_name", sorted(EVENTS))
def test_every_handler_refuses_every_hostile_identifier_without_writing(event_name, value, why, deployed):
    import importlib

    module = importlib.import_module(f"mcgov.steps.handlers.{event_name.split()[0]}")
    before = len(deployed.api_calls)
    with pytest.raises(HandlerFailure) as exc:
        module.handler(EVENTS[event_name](value))
    assert "\n" not in str(exc.value), str(exc.value)
    writes = [op for _, _, op in deployed.api_calls[before:] if op.startswith(WRITES)]
    assert writes == [], f"{why}: {writes}"
    json.dumps(str(exc.value))
