"""The hub sync state machine: its definition, and runs on the emulator's Step Functions engine (moto) with the
project's hub_sync handlers in-process."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from mcgov.emulator import Emulator, EmulatorConfig
from mcgov.pipelines.local_run import _zip
from mcgov.share_policies.loader import parse_policy
from mcgov.steps.card.store import CardStore
from mcgov.steps.cli.main import main
from mcgov.steps.handlers import hub_sync
from mcgov.steps.handlers.config import clear_policy_cache
from mcgov.steps.handlers.exceptions import HandlerFailure
from mcgov.steps.hub.spoke_side import publish
from mcgov.steps.workflow.definition import HUB_FILE, HubWorkflowSettings, hub_definition, packaged_text
from mcgov.steps.workflow.results import map_run_results

FAST = 1
"""Retry interval of the runs below: moto waits out a Retry's interval in real time."""

HUB, SPOKES = "111111111111", ["444444444444", "555555555555", "777777777777"]
POLICY = {
    "version": 1,
    "topology": "hub-and-spoke",
    "hub_account": HUB,
    "region": "us-east-1",
    "spokes": [{"account": a} for a in SPOKES],
}


def test_definition_is_a_distributed_map_with_bounded_concurrency_and_a_catch() -> None:
    definition = hub_definition(settings=HubWorkflowSettings(max_concurrency=7))
    mapped = definition["States"]["SyncSpokes"]
    assert mapped["Type"] == "Map" and mapped["MaxConcurrency"] == 7
    assert mapped["ItemProcessor"]["ProcessorConfig"] == {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
    assert mapped["ResultWriter"] == {
        "Resource": "arn:aws:states:::s3:putObject",
        "Parameters": {"Bucket": "${HubResultsBucket}", "Prefix": "hub-sync"},
    }
    assert "ResultSelector" not in mapped and "results.$" in definition["States"]["Report"]["Parameters"]
    task = mapped["ItemProcessor"]["States"]["SyncSpoke"]
    assert task["Parameters"]["FunctionName"] == "${HubSyncFunctionArn}"
    assert task["Catch"][0]["ErrorEquals"] == ["States.ALL"] and task["Catch"][0]["Next"] == "SpokeFailed"
    assert "RetryableHandlerFailure" in [e for r in task["Retry"] for e in r["ErrorEquals"]]
    assert definition["States"]["ListSpokes"]["Parameters"]["FunctionName"] == "${HubListSpokesFunctionArn}"


def test_cli_prints_the_hub_definition(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["workflow", "definition", "--hub"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == hub_definition()


def test_the_shipped_hub_definition_is_what_its_authoring_code_builds() -> None:
    """No SDK authors the hub ASL, so this runs under both SDKs (the governance one: tests/sdk_v2)."""
    from mcgov.pipelines.asl_files import render
    from mcgov.pipelines.hub_workflow import build_hub_definition

    assert packaged_text(HUB_FILE) == render(build_hub_definition()), "run make asl"
    arns = ("arn:aws:lambda:us-east-1:111111111111:function:s", "arn:aws:lambda:us-east-1:111111111111:function:l")
    for settings in (
        HubWorkflowSettings(),
        HubWorkflowSettings(max_concurrency=3, task_timeout_seconds=60, retry_interval_seconds=1),
    ):
        assert hub_definition(*arns, settings) == build_hub_definition(*arns, settings)
        assert hub_definition(*arns, settings, "results") == build_hub_definition(*arns, settings, "results")


RESULTS = "hub-results-111111111111"


def _run(emu: Emulator, definition: dict[str, Any], execution_input: dict[str, Any], name: str) -> dict[str, Any]:
    """One execution; its status, output summary, Map Runs and the children's results read back from S3."""
    session = emu.session(HUB)
    role = session.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    sfn = session.client("stepfunctions")
    machine = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=role)
    execution = sfn.start_execution(
        stateMachineArn=machine["stateMachineArn"], name=f"{name}-1", input=json.dumps(execution_input)
    )["executionArn"]
    deadline = time.monotonic() + 120
    while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    runs = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    output = json.loads(described.get("output") or "null")
    children = map_run_results(session.client("s3"), output["results"]) if output else []
    by_spoke = {c.input["spoke"]: c.output.get("result", c.output) for c in children}
    return {"status": described["status"], "output": output, "map_runs": runs, "by_spoke": by_spoke}


def test_state_machine_syncs_every_spoke_and_collects_a_failing_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "hub.yaml"
    path.write_text(yaml.safe_dump(POLICY))
    monkeypatch.setenv("MCGOV_POLICY_URI", str(path))
    clear_policy_cache()
    with Emulator(EmulatorConfig(any_account_in_organization=True)) as emu:
        emu.set_association_delay(polls=None, seconds=None)
        policy = parse_policy(POLICY)
        for account in SPOKES[:2]:
            spoke = emu.session(account)
            CardStore(spoke.client("sagemaker")).create(
                "churn", json.dumps({"model_overview": {"model_description": account}})
            )
            publish(spoke.client("ram"), spoke.client("sagemaker"), spoke.client("sts"), policy)
        calls: list[str] = []

        def sync(event: dict[str, Any], context: Any) -> dict[str, Any]:
            calls.append(event["spoke"])
            if event["spoke"] == SPOKES[2]:
                raise hub_sync.SpokeSyncError("spoke 777777777777: ListResources failed: AccessDeniedException")
            return hub_sync.handler(event, context)

        emu.act_as(HUB)
        session = emu.session(HUB)
        session.client("s3").create_bucket(Bucket=RESULTS)
        lam = session.client("lambda")
        role = session.client("iam").create_role(RoleName="lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        arns = {}
        for key, function in (("sync", sync), ("spokes", hub_sync.list_spokes)):
            arns[key] = lam.create_function(
                FunctionName=f"mcgov-hub-{key}",
                Runtime="python3.12",
                Role=role,
                Handler="index.handler",
                Code={"ZipFile": _zip()},
            )["FunctionArn"]
            emu.register_lambda_handler(arns[key], function)
        result = _run(
            emu,
            hub_definition(
                arns["sync"],
                arns["spokes"],
                HubWorkflowSettings(max_concurrency=2, retry_interval_seconds=FAST),
                results_bucket=RESULTS,
            ),
            {},
            "first",
        )
        assert result["status"] == "SUCCEEDED", result
        assert len(result["map_runs"]) == 1
        assert result["output"]["map_run_arn"] == result["map_runs"][0]["mapRunArn"]
        assert result["output"]["results"]["Key"].startswith("hub-sync/")
        by_spoke = result["by_spoke"]
        assert sorted(calls) == SPOKES
        for account in SPOKES[:2]:
            assert by_spoke[account]["counts"]["synced"] == 1
        assert by_spoke[SPOKES[2]]["failed"] is True and "AccessDeniedException" in by_spoke[SPOKES[2]]["cause"]
        hub = CardStore(session.client("sagemaker"))
        assert hub.describe(f"{SPOKES[0]}-churn")["ModelCardStatus"] == "Draft"

        fast = HubWorkflowSettings(retry_interval_seconds=FAST)
        again = _run(emu, hub_definition(arns["sync"], arns["spokes"], fast, RESULTS), {"prune": True}, "again")
        assert again["by_spoke"][SPOKES[0]]["counts"] == {
            "synced": 0,
            "unchanged": 1,
            "drift": 0,
            "gone": 0,
            "failed": 0,
            "pending": 0,
        }


def test_handler_refuses_an_account_that_is_not_a_spoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "hub.yaml"
    path.write_text(yaml.safe_dump(POLICY))
    monkeypatch.setenv("MCGOV_POLICY_URI", str(path))
    clear_policy_cache()
    with pytest.raises(HandlerFailure, match="666666666666 is not a spoke"):
        hub_sync.handler({"spoke": "666666666666"})
    with pytest.raises(HandlerFailure, match="event: prune: "):
        hub_sync.handler({"spoke": SPOKES[0], "prune": "yes"})


def test_the_execution_output_stays_a_summary_however_many_cards_the_spokes_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sync reports of 1,200 cards each: without the ResultWriter the Map's output (every report) would
    pass the 256 KiB a state's output may hold (States.DataLimitExceeded); with it the execution's output is a
    summary of a few hundred bytes and the reports are in S3."""
    path = tmp_path / "hub.yaml"
    path.write_text(yaml.safe_dump(POLICY))
    monkeypatch.setenv("MCGOV_POLICY_URI", str(path))
    clear_policy_cache()
    rows = [
        {"card": f"card-{i:04d}", "outcome": "unchanged", "hub_card": f"444444444444-card-{i:04d}"} for i in range(1200)
    ]

    def sync(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"spoke": event["spoke"], "counts": {"unchanged": len(rows)}, "cards": rows}

    with Emulator(EmulatorConfig(any_account_in_organization=True)) as emu:
        session = emu.act_as(HUB)
        session.client("s3").create_bucket(Bucket=RESULTS)
        role = session.client("iam").create_role(RoleName="lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        arns = {}
        for key, function in (("sync", sync), ("spokes", hub_sync.list_spokes)):
            arns[key] = session.client("lambda").create_function(
                FunctionName=f"mcgov-hub-{key}",
                Runtime="python3.12",
                Role=role,
                Handler="index.handler",
                Code={"ZipFile": _zip()},
            )["FunctionArn"]
            emu.register_lambda_handler(arns[key], function)
        settings = HubWorkflowSettings(retry_interval_seconds=FAST)
        result = _run(emu, hub_definition(arns["sync"], arns["spokes"], settings, RESULTS), {}, "big")
    assert result["status"] == "SUCCEEDED"
    assert len(json.dumps(result["output"])) < 1024
    assert sum(len(json.dumps(r)) for r in result["by_spoke"].values()) > 256 * 1024
    assert {s: len(r["cards"]) for s, r in result["by_spoke"].items()} == {s: 1200 for s in SPOKES}
