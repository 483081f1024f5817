"""Property tests: any JSON in, only BadInputError out; any success is valid card content and deterministic."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from test_evaluation_support import assert_card_valid  # noqa: E402

from mcgov.errors import BadInputError
from mcgov.steps.card.evaluation.api import FORMATS, V2_ENUM_VALUES, parse_report  # noqa: E402

FMT_CHOICES = [None, *FORMATS, *V2_ENUM_VALUES, "CLARIFY_BIAS", "nonsense"]
KEYS = st.sampled_from(
    [
        "metric_groups",
        "name",
        "metric_data",
        "type",
        "value",
        "notes",
        "x_axis_name",
        "y_axis_name",
        "pre_training_bias_metrics",
        "post_training_bias_metrics",
        "facets",
        "label",
        "label_value_or_threshold",
        "value_or_threshold",
        "metrics",
        "error",
        "explanations",
        "kernel_shap",
        "pdp",
        "global_shap_values",
        "global_top_shap_text",
        "feature_name",
        "data_type",
        "feature_values",
        "data_distribution",
        "model_predictions",
        "label_headers",
        "regression_metrics",
        "binary_classification_metrics",
        "multiclass_classification_metrics",
        "standard_deviation",
        "confusion_matrix",
        "receiver_operating_characteristic_curve",
        "false_positive_rates",
        "true_positive_rates",
        "precision_recall_curve",
        "precisions",
        "recalls",
        "version",
        "dataset",
        "number",
        "linear_graph",
        "bar_chart",
        "matrix",
        "numerical",
        "categorical",
    ]
) | st.text(max_size=70)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=80)
    | st.sampled_from(["NaN", "NA", "0", "number", "linear_graph", "bar_chart", "matrix", "numerical", "categorical"])
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=40,
)
ENVELOPES = st.one_of(
    JSON,
    st.builds(lambda g: {"metric_groups": g}, JSON),
    st.builds(lambda s: {"regression_metrics": s}, JSON),
    st.builds(lambda s, v: {"binary_classification_metrics": s, "version": v}, JSON, SCALARS),
    st.builds(
        lambda s: {"pre_training_bias_metrics": {"label": "L", "label_value_or_threshold": "1", "facets": s}}, JSON
    ),
    st.builds(lambda k, p: {"explanations": {"kernel_shap": k, "pdp": p}}, JSON, JSON),
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(data: Any, fmt: str | None) -> None:
    try:
        report = parse_report(data, fmt=fmt, source="fuzz.json")
    except BadInputError as exc:
        assert str(exc).startswith("fuzz.json: ")
        return
    assert_card_valid(report.metric_groups)
    again = parse_report(data, fmt=fmt, source="fuzz.json")
    assert json.dumps(report.metric_groups, sort_keys=True) == json.dumps(again.metric_groups, sort_keys=True)
    assert report.reductions == again.reductions


@SETTINGS
@given(data=ENVELOPES, fmt=st.sampled_from(FMT_CHOICES))
def test_arbitrary_json_raises_only_report_format_error(data: Any, fmt: str | None) -> None:
    _check(data, fmt)


@SETTINGS
@given(text=st.text(max_size=200) | st.builds(json.dumps, JSON))
def test_arbitrary_text_raises_only_report_format_error(text: str) -> None:
    _check(text, None)


METRIC = st.fixed_dictionaries(
    {"name": st.text(max_size=300), "type": st.sampled_from(["number", "string", "boolean"]), "value": SCALARS},
    optional={"notes": st.text(max_size=1500)},
)
GRAPH = st.fixed_dictionaries(
    {
        "name": st.text(min_size=1, max_size=10),
        "type": st.just("linear_graph"),
        "value": st.lists(
            st.lists(st.floats(allow_nan=True) | st.integers(), min_size=2, max_size=2), min_size=1, max_size=300
        ),
    }
)


@SETTINGS
@given(
    groups=st.lists(
        st.fixed_dictionaries(
            {"name": st.text(min_size=1, max_size=100), "metric_data": st.lists(METRIC | GRAPH, max_size=6)}
        ),
        max_size=4,
    )
)
def test_near_valid_metric_groups(groups: list[dict[str, Any]]) -> None:
    _check({"metric_groups": groups}, None)


ENTRY = st.one_of(
    SCALARS,
    st.fixed_dictionaries({"value": SCALARS}, optional={"standard_deviation": SCALARS}),
    st.dictionaries(st.text(max_size=70), st.dictionaries(st.text(max_size=70), SCALARS, max_size=25), max_size=25),
    st.lists(SCALARS, max_size=30),
)


@SETTINGS
@given(
    section=st.dictionaries(KEYS, ENTRY, max_size=8), fmt=st.sampled_from([None, "model-monitor", "evaluation-json"])
)
def test_near_valid_quality_sections(section: dict[str, Any], fmt: str | None) -> None:
    _check({"multiclass_classification_metrics": section}, fmt)
