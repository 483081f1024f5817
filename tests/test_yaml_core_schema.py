"""YAML inputs are read with the YAML 1.2 core schema: ``yes``/``on``/``no``/``off``/``y``/``n`` are text (refused
where a boolean is required), sexagesimal ``1:00:00`` is not a number, ``0o`` is octal; the repository's own YAML
inputs mean what they meant under PyYAML's YAML 1.1 rules."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from mcgov.parsing import parse_yaml
from mcgov.steps.card.template import parse_template
from mcgov.steps.cli.main import main
from tests.conftest import REPO

CORE_SCHEMA = {
    # YAML 1.1 booleans are strings in 1.2
    "yes": "yes", "Yes": "Yes", "YES": "YES", "no": "no", "No": "No", "on": "on", "On": "On", "off": "off",
    "OFF": "OFF", "y": "y", "Y": "Y", "n": "n", "N": "N",
    # 1.2 booleans and nulls
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
    "null": None, "Null": None, "NULL": None, "~": None, "": None,
    # integers: decimal, 0o octal, 0x hex; 1.1's forms are strings
    "42": 42, "-7": -7, "+12": 12, "0755": 755, "0o17": 15, "0x1F": 31, "0b101": "0b101", "1_000": "1_000",
    "1:00:00": "1:00:00", "190:20:30": "190:20:30", "0o8": "0o8",
    # floats: no dot needed for an exponent; 1.1's sexagesimal and underscores are strings
    "1.5": 1.5, "-.5": -0.5, "1.": 1.0, "1e3": 1000.0, "6.8523015e+5": 685230.15, "1:30.5": "1:30.5",
    "1_000.5": "1_000.5", ".inf": math.inf, "-.Inf": -math.inf,
    # everything else is a string: dates, merge keys, the '=' value key
    "2024-01-01": "2024-01-01", "2001-12-14t21:59:43.10-05:00": "2001-12-14t21:59:43.10-05:00", "<<": "<<", "=": "=",
}  # fmt: skip


@pytest.mark.parametrize("text, expected", sorted(CORE_SCHEMA.items()))
def test_plain_scalars_resolve_by_the_yaml_1_2_core_schema(text, expected):
    assert parse_yaml(f"value: {text}\n", "t.yaml") == {"value": expected}
    assert parse_yaml(f"{text or '~'}: 1\n", "t.yaml") == {expected if text else None: 1}


def test_nan_is_a_float_and_quoted_scalars_stay_strings():
    assert math.isnan(parse_yaml("v: .NaN\n", "t.yaml")["v"])
    assert parse_yaml("a: 'yes'\nb: \"1:00:00\"\nc: '0o17'\n", "t.yaml") == {"a": "yes", "b": "1:00:00", "c": "0o17"}


def _policy(tmp_path: Path, extra: str) -> str:
    path = tmp_path / "policy.yaml"
    path.write_text(
        'version: 1\ncard_account: "111111111111"\nregion: us-east-1\n'
        "approvers: [arn:aws:iam::111111111111:role/CardReviewer]\n"
        'stages:\n  prod:\n    accounts: ["333333333333"]\n    required_card_status: Approved\n' + extra
    )
    return str(path)


@pytest.mark.parametrize("word", ["yes", "on", "y", "Yes", "ON", "no", "off", "n"])
def test_a_yaml_1_1_boolean_is_refused_where_a_boolean_is_required(tmp_path, capsys, word):
    code = main(["policy", "validate", _policy(tmp_path, f"allow_external_principals: {word}\n")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "policy.yaml: allow_external_principals: " in err and "true or false" in err


@pytest.mark.parametrize("value, field", [("1:00:00", "gate.timeout_seconds"), ("15:00", "gate.poll_interval_seconds")])
def test_sexagesimal_is_not_a_number(tmp_path, capsys, value, field):
    key = field.split(".")[1]
    code = main(["policy", "validate", _policy(tmp_path, f"gate:\n  {key}: {value}\n")])
    err = capsys.readouterr().err
    assert code == 2 and f"policy.yaml: {field}: " in err


def test_true_false_and_decimal_numbers_still_load(tmp_path, capsys):
    extra = "allow_external_principals: false\ngate:\n  timeout_seconds: 3600\n  poll_interval_seconds: 1.5e1\n"
    assert main(["policy", "validate", _policy(tmp_path, extra)]) == 0, capsys.readouterr().err


def test_a_template_keeps_yes_and_dates_as_the_text_written():
    """Under YAML 1.1 these became True and a date, which card text (strings) refuses."""
    data = parse_yaml("additional_information:\n  custom_details:\n    reviewed: yes\n    since: 2024-01-01\n", "t")
    template = parse_template(data, source="t.yaml")
    assert template["additional_information"]["custom_details"] == {"reviewed": "yes", "since": "2024-01-01"}


REPO_YAML_INPUTS = [
    REPO / "share_policies" / "example.yaml",
    REPO / "examples" / "churn" / "card-template.yaml",
    REPO / "emulator" / "fixtures" / "data" / "card-template.yaml",
]


@pytest.mark.parametrize("path", REPO_YAML_INPUTS, ids=lambda p: str(p.relative_to(REPO)))
def test_the_repository_inputs_mean_what_they_meant_under_yaml_1_1(path):
    text = path.read_text()
    assert parse_yaml(text, str(path)) == yaml.safe_load(text)
