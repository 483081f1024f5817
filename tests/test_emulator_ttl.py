"""DynamoDB Time to Live in the emulator: expired items stay readable (as in AWS) until the opt-in deletion."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from mcgov.emulator import Emulator


@pytest.fixture
def table(emulator: Emulator, card_session: boto3.Session) -> str:
    ddb = card_session.client("dynamodb")
    ddb.create_table(
        TableName="waiting-gates",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.update_time_to_live(
        TableName="waiting-gates", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )
    now = int(emulator.clock.now())
    for key, expires in (("soon", now + 60), ("later", now + 3600)):
        ddb.put_item(TableName="waiting-gates", Item={"pk": {"S": key}, "expires_at": {"N": str(expires)}})
    return "waiting-gates"


def keys(session: boto3.Session, table: str, **scan: object) -> list[str]:
    items = session.client("dynamodb").scan(TableName=table, **scan)["Items"]  # type: ignore[arg-type]
    return sorted(item["pk"]["S"] for item in items)


def test_expired_items_stay_until_deleted_so_readers_filter_them(
    emulator: Emulator, card_session: boto3.Session, table: str
) -> None:
    emulator.clock.advance(120)
    assert keys(card_session, table) == ["later", "soon"]  # AWS deletes expired items days later
    now = str(int(emulator.clock.now()))
    unexpired = keys(
        card_session,
        table,
        FilterExpression="expires_at > :now",
        ExpressionAttributeValues={":now": {"N": now}},
    )
    assert unexpired == ["later"]


def test_opt_in_deletion_on_the_clock(emulator: Emulator, card_session: boto3.Session, table: str) -> None:
    card_session.client("dynamodb").put_item(TableName=table, Item={"pk": {"S": "text"}, "expires_at": {"S": "1"}})
    emulator.events.configure(ttl_deletion_after_seconds=600)
    emulator.clock.advance(120)
    assert keys(card_session, table) == ["later", "soon", "text"]
    emulator.clock.advance(600)  # 'soon' expired 660 s ago
    assert keys(card_session, table) == ["later", "text"]  # a TTL that is not a Number is never deleted
    emulator.clock.advance(3000)  # 'later' expired 120 s ago
    assert keys(card_session, table) == ["later", "text"]
    emulator.clock.advance(600)
    assert keys(card_session, table) == ["text"]


def test_delete_expired_items_now(emulator: Emulator, card_session: boto3.Session, table: str) -> None:
    emulator.clock.advance(120)
    assert emulator.events.delete_expired_items() == 1
    assert keys(card_session, table) == ["later"]


def test_input_rules_and_iam_apply_to_dynamodb(emulator: Emulator, card_session: boto3.Session, table: str) -> None:
    with pytest.raises(ClientError) as exc:
        card_session.client("dynamodb").query(
            TableName=table,
            IndexName="bad name!",
            KeyConditionExpression="pk = :k",
            ExpressionAttributeValues={":k": {"S": "soon"}},
        )
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    assert "Member must satisfy regular expression pattern" in exc.value.response["Error"]["Message"]
    table_arn = f"arn:aws:dynamodb:us-east-1:{emulator.config.card_account}:table/{table}"
    statement = {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": table_arn}
    role = emulator.create_role("gate-store-reader", {"p": {"Version": "2012-10-17", "Statement": [statement]}})
    ddb = emulator.session_for_role(role).client("dynamodb")
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "soon"}})["Item"]["pk"] == {"S": "soon"}
    with pytest.raises(ClientError) as exc:
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}})
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"
