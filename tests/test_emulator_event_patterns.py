"""EventBridge event patterns: what PutRule refuses and what a rule matches (emulator/events/patterns.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mcgov.emulator.events.patterns import PatternError, compile_pattern

EVENT: dict[str, Any] = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "Resource Sharing State Change",
    "source": "aws.ram",
    "account": "111111111111",
    "time": "2026-01-02T03:04:05Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ram:us-east-1:111111111111:resource-share/a", "arn:aws:sagemaker:x"],
    "detail": {
        "event": "Resource Share Association",
        "status": "failed",
        "count": 5,
        "ratio": 0.25,
        "flag": True,
        "nothing": None,
        "empty": "",
        "ip": "10.0.0.33",
        "tags": ["blue", "green"],
        "nested": {"inner": "x"},
        "items": [{"name": "a", "size": 1}, {"name": "b", "size": 2}],
    },
}


def matches(pattern: dict[str, Any], event: dict[str, Any] = EVENT) -> bool:
    return compile_pattern(json.dumps(pattern)).matches(event)


def detail(**fields: Any) -> dict[str, Any]:
    return {"detail": fields}


def test_the_ram_user_guide_rule_matches_a_failed_association_only() -> None:
    rule = {
        "source": ["aws.ram"],
        "detail-type": ["Resource Sharing State Change"],
        "detail": {"event": ["Resource Share Association"], "status": ["failed"]},
    }
    assert matches(rule)
    assert not matches(rule, {**EVENT, "detail": {**EVENT["detail"], "status": "associated"}})
    assert not matches({**rule, "source": ["aws.ec2"]})


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"source": ["aws.ram", "aws.ec2"]}, True),  # any value of the array
        ({"source": ["AWS.RAM"]}, False),  # case-sensitive, character by character
        ({"source": ["aws.ram"], "account": ["222222222222"]}, False),  # every field must match
        ({"missing": ["x"]}, False),
        (detail(count=[5]), True),
        (detail(count=[5.0]), True),  # numbers compare as numbers
        (detail(count=["5"]), False),  # a string is not a number
        (detail(flag=[True]), True),
        (detail(flag=[1]), False),  # true is not 1
        (detail(nothing=[None]), True),
        (detail(empty=[""]), True),
        (detail(empty=[None]), False),
        (detail(tags=["green"]), True),  # an event array matches when any element matches
        (detail(tags=["red"]), False),
        ({"resources": ["arn:aws:sagemaker:x"]}, True),
        (detail(nested={"inner": ["x"]}), True),
        (detail(nested=["x"]), False),  # an object is not a leaf value
        (detail(items={"name": ["b"], "size": [2]}), True),
        (detail(items={"name": ["a"], "size": [2]}), False),  # array elements are matched one by one
    ],
)
def test_exact_matching(pattern: dict[str, Any], expected: bool) -> None:
    assert matches(pattern) is expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"time": [{"prefix": "2026-01-02"}]}, True),
        ({"time": [{"prefix": "2026-01-03"}]}, False),
        ({"source": [{"prefix": {"equals-ignore-case": "AWS.R"}}]}, True),
        ({"source": [{"suffix": ".ram"}]}, True),
        ({"source": [{"suffix": {"equals-ignore-case": ".RAM"}}]}, True),
        ({"source": [{"equals-ignore-case": "AWS.RAM"}]}, True),
        ({"detail-type": [{"wildcard": "Resource*Change"}]}, True),
        ({"detail-type": [{"wildcard": "Resource*Fail"}]}, False),
        (detail(count=[{"prefix": "5"}]), False),  # string operators only match strings
        (detail(status=[{"anything-but": "associated"}]), True),
        (detail(status=[{"anything-but": ["failed", "associated"]}]), False),
        (detail(status=[{"anything-but": {"prefix": "fail"}}]), False),
        (detail(status=[{"anything-but": {"suffix": "ated"}}]), True),
        (detail(status=[{"anything-but": {"equals-ignore-case": ["FAILED"]}}]), False),
        (detail(count=[{"anything-but": [1, 2, 3]}]), True),
        (detail(absent=[{"anything-but": "x"}]), False),  # anything-but needs the field
        (detail(status=[{"exists": True}]), True),
        (detail(absent=[{"exists": False}]), True),
        (detail(status=[{"exists": False}]), False),
        (detail(nested=[{"exists": True}]), False),  # exists works on leaf nodes only
        (detail(nested=[{"exists": False}]), True),
        (detail(nothing=[{"exists": True}]), True),  # null is a value
        ({"absent": {"deeper": [{"exists": False}]}}, True),
        (detail(count=[{"numeric": [">", 0, "<=", 5]}]), True),
        (detail(count=[{"numeric": [">", 5]}]), False),
        (detail(ratio=[{"numeric": ["=", 0.25]}]), True),
        (detail(flag=[{"numeric": [">", 0]}]), False),  # booleans are not numbers
        (detail(status=[{"numeric": [">", 0]}]), False),
        (detail(ip=[{"cidr": "10.0.0.0/24"}]), True),
        (detail(ip=[{"cidr": "10.0.1.0/24"}]), False),
        (detail(status=["associated", {"prefix": "fai"}]), True),  # matchers of one field are OR-ed
        ({"$or": [{"source": ["aws.ec2"]}, {"detail": {"count": [{"numeric": ["<", 10]}]}}]}, True),
        ({"$or": [{"source": ["aws.ec2"]}, {"account": ["2"]}]}, False),
    ],
)
def test_content_filters(pattern: dict[str, Any], expected: bool) -> None:
    assert matches(pattern) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        "not json",
        "[1]",
        '{"source": "aws.ram"}',  # values are arrays or objects
        '{"source": []}',
        '{"source": [{"prefixx": "aws."}]}',  # an unknown operator is refused, never matched as anything
        '{"source": [{"prefix": "a", "suffix": "b"}]}',
        '{"source": [{"prefix": 5}]}',
        '{"source": [{"exists": "yes"}]}',
        '{"detail": {"n": [{"numeric": [">", 1e10]}]}}',  # operands between -5.0e9 and 5.0e9
        '{"detail": {"n": [{"numeric": ["<", 5, ">", 1]}]}}',  # lower bound first
        '{"detail": {"n": [{"numeric": [">", 5, "<", 1]}]}}',
        '{"detail": {"n": [{"numeric": ["==", 5]}]}}',
        '{"detail": {"n": [{"numeric": [">", "5"]}]}}',
        '{"detail": {"n": [{"anything-but": ["a", 1]}]}}',
        '{"detail": {"n": [{"anything-but": {"prefix": ["a", "b"]}}]}}',  # a single prefix only
        '{"detail": {"n": [{"anything-but": null}]}}',
        '{"detail": {"n": [{"wildcard": "a**b"}]}}',
        '{"detail": {"n": [{"wildcard": "a\\\\b"}]}}',
        '{"detail": {"n": [{"cidr": "10.0.0.0/99"}]}}',
        '{"detail": {"n": [{"cidr": 5}]}}',
        '{"$or": [{"source": ["a"]}]}',
    ],
)
def test_invalid_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(PatternError):
        compile_pattern(pattern)


@given(excluded=st.text(max_size=8), value=st.text(max_size=8))
def test_anything_but_is_the_negation_of_exact_for_a_present_string(excluded: str, value: str) -> None:
    event = {"detail": {"state": value}}
    exact = matches(detail(state=[excluded]), event)
    assert matches(detail(state=[{"anything-but": excluded}]), event) is not exact


@given(low=st.integers(-1000, 1000), width=st.integers(1, 1000), value=st.integers(-3000, 3000))
def test_numeric_range_matches_exactly_the_numbers_inside(low: int, width: int, value: int) -> None:
    pattern = detail(n=[{"numeric": [">=", low, "<", low + width]}])
    assert matches(pattern, {"detail": {"n": value}}) is (low <= value < low + width)
