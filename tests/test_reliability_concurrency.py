"""Concurrency: N threads run populate_card + ensure_share for the same card and policy at once."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

import mcgov.emulator.fixtures as seed
from mcgov.steps.card.service import CardSources, populate_card
from mcgov.steps.policy import load_policy
from mcgov.steps.share.client import ram_client
from mcgov.steps.share.converge import ensure_readonly_permission, ensure_share
from mcgov.steps.share.naming import share_name
from tests.conftest import REPO

THREADS = 8
FIGURES: dict[str, dict[str, int]] = {}  # what the tests measured, read by benchmarks.reliability
REGION = "us-east-1"
EXAMPLE = REPO / "share_policies" / "example.yaml"


def run_together(work: Callable[[int], Any], n: int = THREADS) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(i)`` in ``n`` threads released together by one barrier; return results and errors.

    Fails the test when a thread did not pass the start barrier or did not finish: the threads must overlap.
    """
    barrier = threading.Barrier(n)
    started: list[int] = []
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(i: int) -> None:
        barrier.wait(timeout=30)
        with lock:
            started.append(i)
        try:
            value = work(i)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on by every caller
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
    assert not any(t.is_alive() for t in threads), "a thread did not finish within 60 s"
    assert sorted(started) == list(range(n)), f"only threads {sorted(started)} passed the start barrier"
    return results, errors


@pytest.fixture
def world(emulator: Any, card_session: Any) -> dict[str, Any]:
    where = seed.seed_pipeline_outputs(card_session, bucket="mcgov-concurrency")
    ensure_readonly_permission(ram_client(card_session, REGION))
    sources = CardSources(
        training_job_name=where["training_job_name"], evaluations=(where["evaluation"],), template=where["template"]
    )
    clients = [
        (card_session.client("sagemaker"), card_session.client("s3"), ram_client(card_session, REGION))
        for _ in range(THREADS)
    ]
    return {"session": card_session, "sources": sources, "clients": clients, "policy": load_policy(EXAMPLE)}


def line_up_creates(world: dict[str, Any], n: int = THREADS) -> list[int]:
    """Hold every thread's CreateModelCard until all ``n`` threads reach it (the worst interleaving).

    Returns the list the hook appends to each time a thread passes the barrier, so the test can assert that all
    ``n`` creates were in flight together. No create can start before every thread has read the card as
    missing, so the barrier cannot time out unless a thread never reaches CreateModelCard; a timeout raises
    ``BrokenBarrierError`` in the threads, which the test sees as errors.
    """
    barrier = threading.Barrier(n)
    passed: list[int] = []
    lock = threading.Lock()

    def wait(**_: Any) -> None:
        index = barrier.wait(timeout=10)
        with lock:
            passed.append(index)

    for sm, _, _ in world["clients"][:n]:
        sm.meta.events.register("before-call.sagemaker.CreateModelCard", wait)
    return passed


def _populate_and_share(world: dict[str, Any], name: str, i: int, *, populate: bool = True) -> str:
    sm, s3, ram = world["clients"][i]
    arn = world["policy"].card_arn(name)
    if populate:
        arn = populate_card(name, world["sources"], sagemaker=sm, s3=s3, status="PendingReview").arn
    ensure_share(ram, world["policy"], arn)
    return arn


def _shares_per_stage(world: dict[str, Any], arn: str) -> dict[str, list[str]]:
    ram = world["session"].client("ram")
    return {
        stage: [
            s["status"]
            for s in ram.get_resource_shares(resourceOwner="SELF", name=share_name(arn, stage))["resourceShares"]
        ]
        for stage in world["policy"].stages
    }


def _principals(world: dict[str, Any], arn: str, stage: str) -> list[str]:
    ram = world["session"].client("ram")
    share = ram.get_resource_shares(resourceOwner="SELF", name=share_name(arn, stage))["resourceShares"][0]
    rows = ram.get_resource_share_associations(
        associationType="PRINCIPAL", resourceShareArns=[share["resourceShareArn"]]
    )
    return sorted(a["associatedEntity"] for a in rows["resourceShareAssociations"])


def test_parallel_ensure_share_on_an_existing_card_makes_one_share_per_stage(world: dict[str, Any]) -> None:
    sm = world["clients"][0][0]
    arn = populate_card(
        "churn-model", world["sources"], sagemaker=sm, s3=world["clients"][0][1], status="PendingReview"
    ).arn
    results, errors = run_together(lambda i: _populate_and_share(world, "churn-model", i))
    assert errors == []
    assert results == [arn] * THREADS
    assert _shares_per_stage(world, arn) == {"staging": ["ACTIVE"], "prod": ["ACTIVE"]}
    for stage, cfg in world["policy"].stages.items():
        assert _principals(world, arn, stage) == sorted(cfg.accounts)
    versions = sm.list_model_card_versions(ModelCardName="churn-model")["ModelCardVersionSummaryList"]
    assert len(versions) == 1


def test_parallel_first_populate_all_threads_succeed_with_one_card_version_and_one_share_per_stage(
    world: dict[str, Any],
) -> None:
    """All threads create the same new card at the same instant: exactly one create wins, and every loser's
    CreateModelCard conflict is absorbed (the store reads the winner's card, finds the same content and status
    and writes nothing), so the expectation is that EVERY thread succeeds with the same ARN. An error in any
    thread is a regression (the race is what the store must handle), not an acceptable outcome."""
    passed = line_up_creates(world)
    results, errors = run_together(lambda i: _populate_and_share(world, "fresh-model", i))
    assert errors == []
    assert sorted(passed) == list(range(THREADS)), "the creates did not all collide"
    FIGURES["first_populate"] = {"threads": THREADS, "colliding_creates": len(passed), "errors": len(errors)}
    arn = world["policy"].card_arn("fresh-model")
    assert results == [arn] * THREADS
    sm = world["clients"][0][0]
    versions = sm.list_model_card_versions(ModelCardName="fresh-model")["ModelCardVersionSummaryList"]
    assert len(versions) == 1
    assert _shares_per_stage(world, arn) == {"staging": ["ACTIVE"], "prod": ["ACTIVE"]}
    for stage, cfg in world["policy"].stages.items():
        assert _principals(world, arn, stage) == sorted(cfg.accounts)


def test_parallel_populate_with_two_contents_creates_only_real_changes(world: dict[str, Any]) -> None:
    sm, s3, _ = world["clients"][0]
    populate_card("two-contents", world["sources"], sagemaker=sm, s3=s3, status="PendingReview")
    first = json.loads(sm.describe_model_card(ModelCardName="two-contents")["Content"])
    alternative = CardSources(
        training_job_name=world["sources"].training_job_name, evaluations=world["sources"].evaluations
    )

    def work(i: int) -> str:
        sm_i, s3_i, _ = world["clients"][i]
        return populate_card(
            "two-contents", world["sources"] if i % 2 else alternative, sagemaker=sm_i, s3=s3_i
        ).content_sha256

    results, errors = run_together(work)
    assert errors == []
    assert len(set(results)) <= 2
    versions = sm.list_model_card_versions(ModelCardName="two-contents")["ModelCardVersionSummaryList"]
    contents = [
        json.loads(
            sm.describe_model_card(ModelCardName="two-contents", ModelCardVersion=v["ModelCardVersion"])["Content"]
        )
        for v in sorted(versions, key=lambda v: v["ModelCardVersion"])
    ]
    assert contents[0] == first
    assert all(a != b for a, b in itertools.pairwise(contents)), "a version was created without a content change"
    assert len(contents) <= 1 + THREADS
