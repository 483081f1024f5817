"""Listing cards by name prefix sends a NameContains SageMaker accepts and keeps exactly the names with that prefix.

ListModelCards' NameContains must match the card-name pattern, so a prefix ending with '-' (hub copies
``<account>-``, ``reconcile --select name-prefix=churn-``, a spoke's ``select``) is refused by AWS, and by the
emulator since it enforces the botocore model.
"""

from __future__ import annotations

import json

import boto3
import pytest

from mcgov.emulator import Emulator
from mcgov.identifiers import CARD_NAME, CARD_NAME_PREFIX, name_contains_for_prefix
from mcgov.steps.hub.reader import copy_names
from mcgov.steps.reconcile.plan import Selection
from mcgov.steps.reconcile.run import list_cards

CONTENT = json.dumps({"model_overview": {"model_description": "x"}})


def make_cards(session: boto3.Session, names: list[str]) -> None:
    sm = session.client("sagemaker")
    for name in names:
        sm.create_model_card(ModelCardName=name, Content=CONTENT, ModelCardStatus="Draft")


def test_reconcile_prefix_with_trailing_hyphen_lists_exactly_that_prefix(
    emulator: Emulator, card_session: boto3.Session
) -> None:
    make_cards(card_session, ["churn-a", "churn--b", "churnx", "xchurn-c", "churn"])
    cards = list_cards(card_session.client("sagemaker"), Selection(name_prefix="churn-"))
    assert sorted(c.name for c in cards) == ["churn--b", "churn-a"]


def test_hub_copies_of_a_spoke_are_listed_without_a_refused_name_filter(
    emulator: Emulator, card_session: boto3.Session
) -> None:
    make_cards(card_session, ["444444444444-a", "x444444444444-b", "4444444444445", "444444444444--c"])
    assert sorted(copy_names(card_session.client("sagemaker"), "444444444444")) == [
        "444444444444--c",
        "444444444444-a",
    ]


def test_list_model_cards_refuses_a_trailing_hyphen(emulator: Emulator, card_session: boto3.Session) -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as exc:
        card_session.client("sagemaker").list_model_cards(NameContains="111111111111-")
    error = exc.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "'nameContains'" in error["Message"] and "regular expression pattern" in error["Message"]


@pytest.mark.parametrize("prefix", ["churn-", "a--", "444444444444-", "churn", "a", "a-b-"])
def test_name_contains_for_a_valid_prefix_is_a_valid_card_name(prefix: str) -> None:
    assert CARD_NAME_PREFIX.fullmatch(prefix)
    value = name_contains_for_prefix(prefix)
    assert CARD_NAME.fullmatch(value) and prefix.startswith(value)
