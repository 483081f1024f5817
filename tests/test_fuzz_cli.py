"""Hypothesis-driven fuzzing of every file input of ``mcgov`` and of every Lambda handler's event.

Invariant per input: either it is accepted, or the CLI exits 2 with exactly one ``mcgov: error:`` line on
stderr (never a traceback) and nothing is written: no ``--out`` file, no write call on the emulator.
Handlers refuse a bad event with ``HandlerFailure`` (one-line message) and write nothing. Run with ``-s``
to see how many inputs were tried.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mcgov.steps.cli.main import main
from tests.conftest import CASES, REPO

EXAMPLES = REPO / "examples" / "churn"
TRAINING = EXAMPLES / "describe_training_job.json"
EVALUATION = EXAMPLES / "evaluation.json"
TEMPLATE = EXAMPLES / "card-template.yaml"
POLICY = REPO / "share_policies" / "example.yaml"
PACKAGE = {
    "ModelPackageArn": "arn:aws:sagemaker:us-east-1:111111111111:model-package/churn/1",
    "ModelPackageGroupName": "churn",
    "ModelPackageVersion": 1,
    "ModelApprovalStatus": "PendingManualApproval",
}
WRITE_PREFIXES = ("Create", "Update", "Put", "Delete", "Associate", "Disassociate", "Accept", "Send", "Tag", "Start")
TRIED: Counter[str] = Counter()
REJECTED: Counter[str] = Counter()
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc[:5]):
            out += _paths(value, (*prefix, index))
    return out


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    """``base`` with one node replaced by random JSON, or deleted."""
    doc = copy.deepcopy(base)
    path = draw(st.sampled_from(_paths(doc)))
    if not path:
        return draw(json_values)
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    if draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(json_values)
    return doc


def file_bodies(base: Any, *, as_yaml: bool = False, binary: bool = True) -> st.SearchStrategy[bytes]:
    """Raw bytes (unless ``binary`` is false), random text, random JSON and mutations of a valid document."""
    dump: Callable[[Any], str] = (lambda d: yaml.safe_dump(d, allow_unicode=True)) if as_yaml else json.dumps
    return st.one_of(
        st.binary(max_size=200) if binary else st.nothing(),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=200).map(lambda t: t.encode("utf-8")),
        json_values.map(lambda d: json.dumps(d).encode()),
        mutated(base).map(lambda d: dump(d).encode()),
    )


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``mcgov argv`` in-process; (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def writes(emu: Any) -> int:
    return sum(1 for _, _, op in emu.api_calls if op.startswith(WRITE_PREFIXES))


def check_cli(name: str, argv: list[str], emu: Any = None, output: Path | None = None) -> None:
    """Run ``argv`` and assert the bad-input contract when it is refused.

    Offline commands accept (0) or refuse (2); commands that reach the emulator may also exit 1 when an
    accepted input meets AWS state (for example a share carrying another permission), with one
    ``mcgov: failed:`` line giving the reason.
    """
    before = writes(emu) if emu is not None else 0
    code, _, err = run_cli(argv)
    TRIED[name] += 1
    assert "Traceback" not in err
    assert code in ((0, 1, 2, 3) if emu is not None else (0, 2)), f"{name}: exit {code}: {err}"
    lines = err.splitlines()
    if code == 1:  # a reported AWS failure: one line with its reason, never a crash passing for one
        assert len(lines) == 1 and lines[0].startswith("mcgov: failed: ") and lines[0] != "mcgov: failed: ", err
    if code == 2:
        REJECTED[name] += 1
        assert len(lines) == 1 and lines[0].startswith("mcgov: error: "), err
        assert output is None or not output.exists(), f"{name}: --out written although refused"
        assert emu is None or writes(emu) == before, f"{name}: refused input but the emulator saw a write"


def _write(directory: str, name: str, body: bytes) -> str:
    path = Path(directory) / name
    path.write_bytes(body)
    return str(path)


def _base_json(path: Path) -> Any:
    return json.loads(path.read_text())


def _report(name: str) -> None:
    print(f"\n{name}: {TRIED[name]} inputs tried, {REJECTED[name]} refused with exit 2")
    assert REJECTED[name] > 0, f"{name}: no input was refused; the fuzzer is not reaching the validation"


def _real_reports() -> list[Any]:
    if not CASES.exists():
        return []
    docs = []
    for path in sorted(CASES.glob("*/*.json"))[:6]:
        try:
            docs.append(json.loads(path.read_text()))
        except ValueError:
            continue
    return docs


BUILD_INPUTS = {
    "training-job": ("--training-job", TRAINING, False),
    "evaluation": ("--evaluation", EVALUATION, False),
    "template": ("--template", TEMPLATE, True),
}


def _build_argv(replace: str, path: str, output: str) -> list[str]:
    args = {"--training-job": str(TRAINING), "--evaluation": str(EVALUATION), "--template": str(TEMPLATE)}
    args[replace] = path
    argv = ["card", "build"]
    for flag, value in args.items():
        argv += [flag, value]
    return [*argv, "--out", output]


@pytest.mark.parametrize("kind", sorted(BUILD_INPUTS))
def test_card_build_inputs(kind: str, aws_env: None) -> None:
    flag, valid, as_yaml = BUILD_INPUTS[kind]
    base = yaml.safe_load(valid.read_text()) if as_yaml else _base_json(valid)
    bodies = file_bodies(base, as_yaml=as_yaml)
    if kind == "evaluation" and _real_reports():
        bodies = bodies | st.sampled_from(_real_reports()).flatmap(mutated).map(lambda d: json.dumps(d).encode())

    @FUZZ
    @given(body=bodies)
    def fuzz(body: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            output = Path(tmp) / "out" / "content.json"
            check_cli(kind, _build_argv(flag, _write(tmp, "input", body), str(output)), output=output)

    fuzz()
    _report(kind)


def test_card_build_model_package(aws_env: None) -> None:
    @FUZZ
    @given(body=file_bodies(PACKAGE))
    def fuzz(body: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            output = Path(tmp) / "content.json"
            argv = [
                *_build_argv("--training-job", str(TRAINING), str(output)),
                "--model-package",
                _write(tmp, "package.json", body),
            ]
            check_cli("model-package", argv, output=output)

    fuzz()
    _report("model-package")


def _valid_content() -> dict[str, Any]:
    code, out, err = run_cli(
        ["card", "build", "--training-job", str(TRAINING), "--evaluation", str(EVALUATION), "--template", str(TEMPLATE)]
    )
    assert code == 0, err
    return json.loads(out)


def test_content_files_validate_and_publish(emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    emulator.act_as("card")
    bodies = file_bodies(_valid_content())

    @FUZZ
    @given(body=bodies)
    def fuzz(body: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = _write(tmp, "content.json", body)
            check_cli("content (validate)", ["card", "validate", path])
            check_cli("content (publish)", ["card", "publish", "--name", "fuzzed", "--content", path], emu=emulator)

    fuzz()
    _report("content (validate)")
    _report("content (publish)")


def test_share_policies(emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    emulator.act_as("card")
    card_session.client("sagemaker").create_model_card(ModelCardName="fuzz-card", Content="{}", ModelCardStatus="Draft")
    base = yaml.safe_load(POLICY.read_text())

    @FUZZ
    @given(body=file_bodies(base, as_yaml=True, binary=False))
    def fuzz(body: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = _write(tmp, "policy.yaml", body)
            check_cli("share policy (validate)", ["policy", "validate", path])
            check_cli(
                "share policy (share ensure)",
                ["share", "ensure", "--policy", path, "--card", "fuzz-card"],
                emu=emulator,
            )

    fuzz()
    _report("share policy (validate)")
    _report("share policy (share ensure)")


def test_non_utf8_share_policy_is_bad_input(tmp_path: Path, aws_env: None) -> None:
    path = tmp_path / "policy.yaml"
    path.write_bytes(b"version: 1\ncard_account: \x80\n")
    code, _, err = run_cli(["policy", "validate", str(path)])
    assert code == 2 and len(err.splitlines()) == 1


def test_control_character_in_a_template_is_bad_input(tmp_path: Path, aws_env: None) -> None:
    path = tmp_path / "template.yaml"
    path.write_bytes(b"\x00")
    code, _, err = run_cli(
        ["card", "build", "--training-job", str(TRAINING), "--evaluation", str(EVALUATION), "--template", str(path)]
    )
    assert code == 2 and err.startswith(f"mcgov: error: {path}: invalid YAML: ") and len(err.splitlines()) == 1, err


HANDLER_EVENTS: dict[str, dict[str, Any]] = {
    "populate_card": {
        "card_name": "churn-model",
        "training_job_name": "churn-train",
        "evaluation_uris": ["s3://b/k.json"],
    },
    "share_card": {"card_arn": "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model"},
    "check_gate": {"card_arn": "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model", "stage": "prod"},
    "approval_guard": {
        "detail-type": "SageMaker Model Package State Change",
        "detail": {"ModelPackageArn": PACKAGE["ModelPackageArn"], "ModelApprovalStatus": "Approved"},
    },
    "gate_watcher": {
        "Records": [
            {
                "messageId": "m1",
                "body": json.dumps(
                    {
                        "token": "callback-token-0001",
                        "arguments": {
                            "card_arn": "arn:aws:sagemaker:us-east-1:111111111111:model-card/churn-model",
                            "stage": "prod",
                        },
                    }
                ),
            }
        ]
    },
}


def _valid_callback(event: Any) -> bool:
    """True for an SQS event carrying a well-formed callback message: it would reach
    SendPipelineExecutionStep*; those are covered by tests/test_handlers.py, not by the bad-input fuzzer."""
    from mcgov.steps.handlers.gate_watcher import CallbackMessage

    records = event.get("Records") if isinstance(event, dict) else None
    for record in records if isinstance(records, list) else []:
        try:
            CallbackMessage.model_validate(json.loads(record.get("body") or ""))
        except Exception:  # noqa: BLE001 - anything malformed is what the fuzzer wants
            continue
        return True
    return False


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (None, "an SQS record must be an object"),
        ({"messageId": "m1", "body": True}, "event: Input should be a valid dictionary"),
    ],
    ids=["null-record", "bool-body"],
)
def test_gate_watcher_drops_a_malformed_record(
    record: Any, reason: str, emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mcgov.steps.handlers import gate_watcher

    emulator.act_as("card")
    monkeypatch.setenv("MCGOV_POLICY_URI", str(POLICY))
    with contextlib.redirect_stdout(io.StringIO()):
        result = gate_watcher.handler({"Records": [record]}, None)
    assert [o["status"] for o in result["outcomes"]] == ["DROPPED"]
    assert result["outcomes"][0]["reason"].startswith(reason), result["outcomes"][0]


def test_gate_watcher_drops_a_message_with_a_malformed_token(
    emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mcgov.steps.handlers import gate_watcher

    emulator.act_as("card")
    monkeypatch.setenv("MCGOV_POLICY_URI", str(POLICY))
    body = json.dumps(
        {"token": "t", "arguments": {"card_arn": HANDLER_EVENTS["check_gate"]["card_arn"], "stage": "prod"}}
    )
    with contextlib.redirect_stdout(io.StringIO()):
        result = gate_watcher.handler({"Records": [{"messageId": "m1", "body": body}]}, None)
    assert result["outcomes"][0]["status"] == "DROPPED"
    assert result["outcomes"][0]["reason"] == "event: token: String should have at least 10 characters"


@pytest.mark.parametrize("name", sorted(HANDLER_EVENTS))
def test_handler_events(name: str, emulator: Any, card_session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    module = importlib.import_module(f"mcgov.steps.handlers.{name}")
    runtime = importlib.import_module("mcgov.steps.handlers.runtime")
    emulator.act_as("card")
    monkeypatch.setenv("MCGOV_POLICY_URI", str(POLICY))
    events = json_values | mutated(HANDLER_EVENTS[name])

    @FUZZ
    @given(event=events)
    def fuzz(event: Any) -> None:
        assume(not _valid_callback(event))
        before = writes(emulator)
        TRIED[f"event {name}"] += 1
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                module.handler(event, None)
            except runtime.HandlerFailure as exc:
                REJECTED[f"event {name}"] += 1
                assert "\n" not in str(exc)
                assert writes(emulator) == before, f"{name}: refused event {event!r} but the emulator saw a write"

    fuzz()
    print(f"\nevent {name}: {TRIED[f'event {name}']} events tried, {REJECTED[f'event {name}']} refused")
    assert REJECTED[f"event {name}"] > 0
