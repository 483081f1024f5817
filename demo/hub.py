"""Demo scene 8: hub-and-spoke. Two spoke accounts publish their cards to the hub (the demo's card account); the
hub's stack (``steps/stack/governance.yaml`` with ``DeployHub=true``, deployed from the template: the hub state
machine, a Distributed Map with one child execution per spoke, the project's ``hub_sync`` Lambdas in-process, each
under its role) syncs them and writes the per-spoke results to its results bucket; a re-run writes nothing; a
changed source gives a new hub version.

The demo's emulator admits the spokes in its organization (``any_account_in_organization``, what
``python -m mcgov.emulator.server`` does without ``--config``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import yaml

from mcgov.demo.scene import policy_uri
from mcgov.steps.workflow.results import map_run_results

SPOKES = ("444444444444", "555555555555")
CARD = "fraud-score"
WRITES = frozenset({"CreateModelCard", "UpdateModelCard"})


def hub_scene(emu: Any, out: Path) -> None:
    """Scene 8: spokes publish, the hub syncs (synced, then unchanged), one changed source gives a new hub version."""
    from mcgov.share_policies.loader import parse_policy
    from mcgov.share_policies.models import HubSpokePolicy
    from mcgov.steps.card.store import CardStore
    from mcgov.steps.hub.naming import hub_card_name
    from mcgov.steps.hub.provenance import read_provenance
    from mcgov.steps.hub.spoke_side import publish

    hub = emu.account_id("card")
    data = {
        "version": 1,
        "topology": "hub-and-spoke",
        "hub_account": hub,
        "region": emu.config.region,
        "spokes": [{"account": a} for a in SPOKES],
    }
    path = out / "hub-policy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    policy = parse_policy(data)
    assert isinstance(policy, HubSpokePolicy), "topology: hub-and-spoke"
    print(f"\n== 8. Hub-and-spoke: spokes {' and '.join(SPOKES)} publish, the hub {hub} syncs ({path})")
    delay = emu.config.associate_after_polls, emu.config.associate_after_seconds
    emu.set_association_delay(polls=None, seconds=None)  # the spokes' shares are ASSOCIATED when the hub lists them
    for account in SPOKES:
        spoke = emu.session(account)
        CardStore(spoke.client("sagemaker")).create(CARD, _content(account, "v1"), "PendingReview")
        report = publish(spoke.client("ram"), spoke.client("sagemaker"), spoke.client("sts"), policy)
        print(
            f"   spoke {account}: `mcgov hub publish` shared {CARD} with the hub, read-only "
            f"({', '.join(f'{k.value} {n}' for k, n in report.counts.items() if n)})"
        )
    with policy_uri(path):
        machine = _deploy(emu, path)
        _sync(emu, machine, "hub state machine (Distributed Map, one child execution per spoke)")
        _sync(emu, machine, "re-run")
        CardStore(emu.session(SPOKES[0]).client("sagemaker")).update_content(CARD, _content(SPOKES[0], "v2"))
        print(f"   spoke {SPOKES[0]} updates {CARD} (new version 2)")
        _sync(emu, machine, "after the change")
    copy = emu.session(hub).client("sagemaker").describe_model_card(ModelCardName=hub_card_name(SPOKES[0], CARD))
    source = read_provenance(json.loads(copy["Content"]))
    print(
        f"   hub copy {copy['ModelCardName']} v{copy['ModelCardVersion']} [{copy['ModelCardStatus']}] "
        f"from {source.source_arn if source else '?'} v{source.source_version if source else '?'}"
    )
    emu.set_association_delay(*delay)


def _content(account: str, version: str) -> str:
    return json.dumps({"model_overview": {"model_description": f"fraud scoring of spoke {account}, {version}"}})


def _deploy(emu: Any, policy: Path) -> str:
    """The hub's stack (DeployHub=true, the hub-and-spoke policy) in the hub account; its state machine's ARN."""
    from mcgov.demo.stack import TEMPLATE, parameters

    stack = emu.deploy_stack(
        TEMPLATE,
        stack_name="mcgov-hub",
        parameters=parameters(
            str(policy.resolve()),
            f"mcgov-demo-{emu.account_id('card')}",
            DeployHub="true",
            HubSpokeAccounts=",".join(SPOKES),
        ),
    )
    print(
        f"   hub stack mcgov-hub (DeployHub=true): state machine {stack.arns['HubStateMachine'].rsplit(':', 1)[-1]}, "
        f"results bucket {stack.refs['HubSyncResults']}"
    )
    return str(stack.arns["HubStateMachine"])


def _sync(emu: Any, machine: str, label: str) -> None:
    """One execution of the hub state machine; prints the outcome counts per spoke and the hub's card writes."""
    emu.act_as("card")
    sfn = emu.session(machine.split(":")[4]).client("stepfunctions")
    start = len(emu.api_calls)
    execution = sfn.start_execution(stateMachineArn=machine, input="{}", name=f"hub-sync-{start}")["executionArn"]
    deadline = time.monotonic() + 120
    while (described := sfn.describe_execution(executionArn=execution))[
        "status"
    ] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.1)
    summary = json.loads(described.get("output") or "{}")
    session = emu.session(machine.split(":")[4])
    spokes = []
    for child in map_run_results(session.client("s3"), summary["results"]) if "results" in summary else []:
        result = child.output.get("result", child.output) if isinstance(child.output, dict) else {}
        counts = (
            ", ".join(f"{k} {n}" for k, n in result["counts"].items() if n) or "no card shared"
            if "counts" in result
            else f"failed: {result.get('cause') or child.cause}"
        )
        spokes.append(f"{child.input.get('spoke')} {counts}")
    writes = sum(1 for _, _, op in emu.api_calls[start:] if op in WRITES)
    print(f"   {label}: execution {described['status']}; {'; '.join(sorted(spokes))} ({writes} card writes)")
    if "results" in summary:
        print(f"     results: s3://{summary['results']['Bucket']}/{summary['results']['Key']}")
