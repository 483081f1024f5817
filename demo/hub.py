"""Demo scene 8: hub-and-spoke. Two spoke accounts publish their cards to the hub (the demo's card account); the
hub state machine (the shipped ASL of ``mcgov.steps.workflow``: a Distributed Map, one child execution per spoke,
the project's ``hub_sync`` Lambdas in-process) syncs them; a re-run writes nothing; a changed source gives a new hub
version.

The demo's emulator admits the spokes in its organization (``any_account_in_organization``, what
``python -m mcgov.emulator.server`` does without ``--config``).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

SPOKES = ("444444444444", "555555555555")
CARD = "fraud-score"
WRITES = frozenset({"CreateModelCard", "UpdateModelCard"})


def hub_scene(emu: Any, out: Path) -> None:
    """Scene 8: spokes publish, the hub syncs (synced, then unchanged), one changed source gives a new hub version."""
    from mcgov.pipelines.local_run import _zip
    from mcgov.share_policies.loader import parse_policy
    from mcgov.share_policies.models import HubSpokePolicy
    from mcgov.steps.card.store import CardStore
    from mcgov.steps.handlers import hub_sync
    from mcgov.steps.hub.naming import hub_card_name
    from mcgov.steps.hub.provenance import read_provenance
    from mcgov.steps.hub.spoke_side import publish
    from mcgov.steps.workflow.definition import hub_definition

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
    with _policy_uri(path):
        machine = _deploy(emu, hub, hub_definition, _zip, hub_sync)
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


@contextmanager
def _policy_uri(path: Path) -> Iterator[None]:
    """The hub Lambdas read the deploy-time policy from ``MCGOV_POLICY_URI``; restored afterwards."""
    from mcgov.steps.handlers.config import clear_policy_cache

    previous = os.environ.get("MCGOV_POLICY_URI")
    os.environ["MCGOV_POLICY_URI"] = str(path)
    clear_policy_cache()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("MCGOV_POLICY_URI", None)
        else:
            os.environ["MCGOV_POLICY_URI"] = previous
        clear_policy_cache()


def _deploy(emu: Any, hub: str, build: Any, code: Any, handlers: Any) -> str:
    """The two hub Lambdas (handlers in-process) and the hub state machine in the hub account; its ARN."""
    session = emu.session(hub)
    role = session.client("iam").create_role(RoleName="mcgov-hub-demo", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = session.client("lambda")
    arns = {}
    for key, handler in (("sync", handlers.handler), ("spokes", handlers.list_spokes)):
        arns[key] = lam.create_function(
            FunctionName=f"mcgov-hub-{key}",
            Runtime="python3.12",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": code()},
        )["FunctionArn"]
        emu.register_lambda_handler(arns[key], handler)
    definition = json.dumps(build(arns["sync"], arns["spokes"]))
    return session.client("stepfunctions").create_state_machine(
        name="mcgov-hub-sync", definition=definition, roleArn=role
    )["stateMachineArn"]


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
    results = json.loads(described.get("output") or "{}").get("results", [])
    spokes = []
    for item in results:
        result = item.get("result", item)
        counts = (
            ", ".join(f"{k} {n}" for k, n in result["counts"].items() if n) or "no card shared"
            if "counts" in result
            else f"failed: {item.get('cause')}"
        )
        spokes.append(f"{result.get('spoke')} {counts}")
    writes = sum(1 for _, _, op in emu.api_calls[start:] if op in WRITES)
    print(f"   {label}: execution {described['status']}; {'; '.join(sorted(spokes))} ({writes} card writes)")
