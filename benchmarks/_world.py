"""A seeded emulator world shared by the benchmarks: churn pipeline outputs, the read-only permission, the policy."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_POLICY = REPO / "share_policies" / "example.yaml"
REGION = "us-east-1"


@dataclass
class CallCounter:
    """Counts API calls per ``service.Operation`` with a botocore ``before-call`` hook on the given clients."""

    counts: Counter[str] = field(default_factory=Counter)

    def attach(self, *clients: Any) -> None:
        for client in clients:
            client.meta.events.register("before-call", self._count, unique_id=f"bench-count-{id(self)}")

    def _count(self, model: Any, **_: Any) -> None:
        self.counts[f"{model.service_model.service_name}.{model.name}"] += 1

    def take(self) -> Counter[str]:
        taken, self.counts = self.counts, Counter()
        return taken


@contextmanager
def seeded_world(**config: Any) -> Iterator[dict[str, Any]]:
    """Emulator with the churn pipeline's outputs seeded; yields clients, sources, policy and the emulator."""
    from mcgov.emulator import Emulator, EmulatorConfig
    from mcgov.emulator.fixtures import seed_pipeline_outputs
    from mcgov.steps.card.service import CardSources
    from mcgov.steps.policy import load_policy
    from mcgov.steps.share.client import ram_client
    from mcgov.steps.share.converge import ensure_readonly_permission

    with Emulator(EmulatorConfig(**config), frozen_clock=True) as emu:
        session = emu.session(emu.config.card_account)
        where = seed_pipeline_outputs(session, bucket="mcgov-bench")
        ram = ram_client(session, REGION)
        ensure_readonly_permission(ram)
        allow_all = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        reviewer = emu.session_for_role(emu.create_role("CardReviewer", {"all": allow_all}), "jane")  # the approver
        yield {
            "reviewer": reviewer,
            "emu": emu,
            "sagemaker": session.client("sagemaker"),
            "s3": session.client("s3"),
            "sts": session.client("sts"),
            "ram": ram,
            "policy": load_policy(EXAMPLE_POLICY),
            "sources": CardSources(
                training_job_name=where["training_job_name"],
                evaluations=(where["evaluation"],),
                template=where["template"],
            ),
        }


def approve(world: dict[str, Any], card_arn: str) -> None:
    """A reviewer's step before prod (not counted): `mcgov card approve` of the card's current version."""
    from mcgov.steps.approval.service import approve_card

    sagemaker = world["reviewer"].client("sagemaker", region_name=REGION)
    version = sagemaker.describe_model_card(ModelCardName=card_arn)["ModelCardVersion"]
    approve_card(
        sagemaker, world["reviewer"].client("sts", region_name=REGION), world["policy"], card_arn, version=version
    )


def bench_main(
    argv: list[str] | None, doc: str, run: Callable[[], dict[str, Any]], render: Callable[[dict[str, Any]], None]
) -> int:
    """The shared command line of a benchmark module: run it, print a readable summary or ``--json``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = run()
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        render(result)
    return 0
