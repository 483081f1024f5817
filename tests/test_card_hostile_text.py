"""Hostile text in card content: hidden characters, ragged matrices and disguised step-owned keys are refused."""

from __future__ import annotations

import pytest

from mcgov.errors import BadInputError
from mcgov.steps.card.ownership import is_step_key, strip_step_owned
from mcgov.steps.card.template import parse_template
from mcgov.steps.card.validation import validate_content


@pytest.mark.parametrize(
    "text, code",
    [
        ("a\x00b", "U+0000"),
        ("safe\u202eexe.txt", "U+202E"),
        ("\x1b[31mred", "U+001B"),
        ("x\u2066y", "U+2066"),
        ("bell\x07", "U+0007"),
        ("c1\x9b", "U+009B"),
    ],
)
def test_hidden_characters_are_refused_naming_field_and_character(text, code):
    with pytest.raises(BadInputError) as exc:
        validate_content({"model_overview": {"model_description": text}}, source="c.json")
    message = str(exc.value)
    assert message.startswith("c.json: model_overview") and "model_description" in message and code in message


def test_hidden_characters_in_dict_keys_and_metric_names_are_refused():
    with pytest.raises(BadInputError, match="U\\+202E"):
        validate_content({"additional_information": {"custom_details": {"k\u202e": "v"}}}, source="c.json")
    group = {"name": "g", "metric_data": [{"name": "auc\u202e", "type": "number", "value": 0.9}]}
    with pytest.raises(BadInputError, match="U\\+202E"):
        validate_content({"evaluation_details": [{"name": "e", "metric_groups": [group]}]}, source="c.json")


def test_line_breaks_and_tabs_in_free_text_are_kept():
    text = "line one\nline two\tindented"
    assert (
        validate_content({"model_overview": {"model_description": text}})["model_overview"]["model_description"] == text
    )


def test_ragged_matrices_are_refused():
    metric = {"name": "confusion", "type": "matrix", "value": [[1, 2], [3]]}
    content = {"evaluation_details": [{"name": "e", "metric_groups": [{"name": "g", "metric_data": [metric]}]}]}
    with pytest.raises(BadInputError, match="same length"):
        validate_content(content, source="c.json")


@pytest.mark.parametrize(
    "key",
    [
        "mcgov.x",
        "MCGOV.x",
        " mcgov.x",
        "mcgov.x ",
        "m\u200bcgov.x",
        "\uff4d\uff43\uff47\uff4f\uff56.x",
        "Mcgov.\u00adx",
    ],
)
def test_disguised_step_owned_keys_are_recognised(key):
    assert is_step_key(key)
    with pytest.raises(BadInputError, match="filled by the pipeline step"):
        parse_template({"additional_information": {"custom_details": {key: "forged"}}}, source="t.yaml")
    stripped = strip_step_owned(
        {"additional_information": {"custom_details": {key: "forged", "team": "a"}}}, keep_model_package=False
    )
    assert stripped == {"additional_information": {"custom_details": {"team": "a"}}}


@pytest.mark.parametrize("key", ["mcgovx", "my.mcgov.x", "team"])
def test_ordinary_keys_are_not_step_owned(key):
    assert not is_step_key(key)
