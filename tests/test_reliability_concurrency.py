"""Concurrency: N threads run populate_card + ensure_share for the same card and policy at once."""
from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from mcgov.share_policies import load_policy
from mcgov.steps.card.service import CardSources, populate_card
from mcgov.errors import GovernanceError
from mcgov.steps.share import ensure_readonly_permission, ensure_share, ram_client, share_name
from tests.conftest import REPO

import mcgov.emulator.core as emulator_core
import mcgov.demo.seed as seed

THREADS = 8
REGION = "us-east-1"
EXAMPLE = REPO / "share_policies" / "example.yaml"


def run_together(work: Callable[[int], Any], n: int = THREADS) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(i)`` in ``n`` threads released by one barrier; return results and errors."""
    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(i: int) -> None:
        barrier.wait()
        try:
            value = work(i)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(value)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


@pytest.fixture
def world(emulator: Any, card_session: Any) -> dict[str, Any]:
    where = seed.seed_pipeline_outputs(card_session, bucket="mcgov-concurrency")
    ensure_readonly_permission(ram_client(card_session, REGION))
    sources = CardSources(training_job_name=where["training_job_name"], evaluations=(where["evaluation"],),
                          template=where["template"])
    clients = [(card_session.client("sagemaker"), card_session.client("s3"), ram_client(card_session, REGION))
               for _ in range(THREADS)]
    return {"session": card_session, "sources": sources, "clients": clients, "policy": load_policy(EXAMPLE)}


def line_up_creates(world: dict[str, Any], n: int = THREADS) -> None:
    """Hold every thread's CreateModelCard until all ``n`` threads reach it (the worst interleaving)."""
    barrier = threading.Barrier(n)

    def wait(**_: Any) -> None:
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass

    for sm, _, _ in world["clients"][:n]:
        sm.meta.events.register("before-call.sagemaker.CreateModelCard", wait)


def _populate_and_share(world: dict[str, Any], name: str, i: int, *, populate: bool = True) -> str:
    sm, s3, ram = world["clients"][i]
    arn = world["policy"].card_arn(name)
    if populate:
        arn = populate_card(name, world["sources"], sagemaker=sm, s3=s3, status="Approved").arn
    ensure_share(ram, world["policy"], arn)
    return arn


def _shares_per_stage(world: dict[str, Any], arn: str) -> dict[str, list[str]]:
    ram = world["session"].client("ram")
    return {stage: [s["status"] for s in ram.get_resource_shares(resourceOwner="SELF", name=share_name(arn, stage))["resourceShares"]]
            for stage in world["policy"].stages}


def _principals(world: dict[str, Any], arn: str, stage: str) -> list[str]:
    ram = world["session"].client("ram")
    share = ram.get_resource_shares(resourceOwner="SELF", name=share_name(arn, stage))["resourceShares"][0]
    rows = ram.get_resource_share_associations(associationType="PRINCIPAL", resourceShareArns=[share["resourceShareArn"]])
    return sorted(a["associatedEntity"] for a in rows["resourceShareAssociations"])


def test_parallel_ensure_share_on_an_existing_card_makes_one_share_per_stage(world: dict[str, Any]) -> None:
    sm = world["clients"][0][0]
    arn = populate_card("churn-model", world["sources"], sagemaker=sm, s3=world["clients"][0][1], status="Approved").arn
    results, errors = run_together(lambda i: _populate_and_share(world, "churn-model", i))
    assert errors == []
    assert results == [arn] * THREADS
    assert _shares_per_stage(world, arn) == {"staging": ["ACTIVE"], "prod": ["ACTIVE"]}
    for stage, cfg in world["policy"].stages.items():
        assert _principals(world, arn, stage) == sorted(cfg.accounts)
    versions = sm.list_model_card_versions(ModelCardName="churn-model")["ModelCardVersionSummaryList"]
    assert len(versions) == 1


def test_parallel_first_populate_makes_one_card_version_and_one_share_per_stage(world: dict[str, Any]) -> None:
    line_up_creates(world)
    _, errors = run_together(lambda i: _populate_and_share(world, "fresh-model", i))
    assert all(isinstance(e, GovernanceError) for e in errors), errors
    arn = world["policy"].card_arn("fresh-model")
    sm = world["clients"][0][0]
    versions = sm.list_model_card_versions(ModelCardName="fresh-model")["ModelCardVersionSummaryList"]
    assert len(versions) == 1
    shares = _shares_per_stage(world, arn)
    assert all(len(statuses) <= 1 for statuses in shares.values()), shares
    _populate_and_share(world, "fresh-model", 0)
    assert _shares_per_stage(world, arn) == {"staging": ["ACTIVE"], "prod": ["ACTIVE"]}
    assert len(sm.list_model_card_versions(ModelCardName="fresh-model")["ModelCardVersionSummaryList"]) == 1


def test_parallel_first_populate_all_threads_succeed(world: dict[str, Any]) -> None:
    line_up_creates(world)
    results, errors = run_together(lambda i: _populate_and_share(world, "racy-model", i))
    assert errors == []
    assert len(results) == THREADS


def test_parallel_populate_with_two_contents_creates_only_real_changes(world: dict[str, Any]) -> None:
    sm, s3, _ = world["clients"][0]
    populate_card("two-contents", world["sources"], sagemaker=sm, s3=s3, status="Approved")
    first = json.loads(sm.describe_model_card(ModelCardName="two-contents")["Content"])
    alternative = CardSources(training_job_name=world["sources"].training_job_name, evaluations=world["sources"].evaluations)

    def work(i: int) -> str:
        sm_i, s3_i, _ = world["clients"][i]
        return populate_card("two-contents", world["sources"] if i % 2 else alternative, sagemaker=sm_i, s3=s3_i).content_sha256

    results, errors = run_together(work)
    assert errors == []
    assert len(set(results)) <= 2
    versions = sm.list_model_card_versions(ModelCardName="two-contents")["ModelCardVersionSummaryList"]
    contents = [json.loads(sm.describe_model_card(ModelCardName="two-contents", ModelCardVersion=v["ModelCardVersion"])["Content"])
                for v in sorted(versions, key=lambda v: v["ModelCardVersion"])]
    assert contents[0] == first
    assert all(a != b for a, b in zip(contents, contents[1:])), "a version was created without a content change"
    assert len(contents) <= 1 + THREADS
