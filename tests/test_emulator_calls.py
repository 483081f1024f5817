"""The emulator's call log records every request, S3 included, once each."""

from __future__ import annotations

CARD = "111111111111"


def test_s3_writes_and_reads_are_logged_once_each(emulator, card_session) -> None:
    s3 = card_session.client("s3")
    start = len(emulator.api_calls)
    s3.create_bucket(Bucket="mcgov-calls")
    s3.put_object(Bucket="mcgov-calls", Key="a.json", Body=b"{}")
    s3.copy_object(Bucket="mcgov-calls", Key="b.json", CopySource={"Bucket": "mcgov-calls", "Key": "a.json"})
    s3.get_object(Bucket="mcgov-calls", Key="b.json")
    s3.list_objects_v2(Bucket="mcgov-calls")
    assert emulator.api_calls[start:] == [
        (CARD, "s3", "CreateBucket"),
        (CARD, "s3", "PutObject"),
        (CARD, "s3", "CopyObject"),
        (CARD, "s3", "GetObject"),
        (CARD, "s3", "ListObjectsV2"),
    ]


def test_other_services_are_logged_beside_s3(emulator, card_session) -> None:
    start = len(emulator.api_calls)
    card_session.client("sagemaker").list_model_cards()
    card_session.client("s3").list_buckets()
    assert emulator.api_calls[start:] == [(CARD, "sagemaker", "ListModelCards"), (CARD, "s3", "ListBuckets")]
