"""What a reviewer sees on a card, in reading order, as typed records (pure: content dict in, ``CardView`` out).

The HTML and Markdown renderers only format a ``CardView``; they decide nothing about order or content.
Any JSON is accepted: a field of an unexpected shape is shown as JSON text rather than dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Union

from mcgov.errors import BadInputError
from mcgov.steps.common.jsonutil import content_sha256
from mcgov.steps.review.formatting import is_number, label, scalar_text

STEP_PREFIX = "mcgov."
CHART_TYPES = ("linear_graph", "bar_chart", "matrix")
PROSE_KEYS = frozenset(
    {
        "model_description",
        "purpose_of_model",
        "intended_uses",
        "factors_affecting_model_efficiency",
        "explanations_for_risk_rating",
        "business_problem",
        "business_stakeholders",
        "line_of_business",
        "training_observations",
        "ethical_considerations",
        "caveats_and_recommendations",
        "evaluation_observation",
        "approval_description",
        "model_package_description",
    }
)
REDUCTION_PREFIX = "Parsing notes"
_PROVENANCE_KEYS = (
    ("mcgov.training_job_arn", "Training job"),
    ("mcgov.training.job_name", "Training job name"),
    ("mcgov.pipeline_execution_arn", "Pipeline execution"),
    ("mcgov.model_package_arn", "Model package"),
    ("mcgov.tool_version", "Built by mcgov"),
)
_TRAINING_NOTE_KEYS = ("mcgov.training.redacted_hyperparameters", "mcgov.training.notes")


@dataclass(frozen=True)
class CardInfo:
    """What the card store says about a card (absent for a content file)."""

    name: str | None = None
    arn: str | None = None
    version: int | None = None
    status: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Field:
    """One labelled value; ``code`` marks identifiers (ARNs, URIs, hashes) shown in a fixed-width font."""

    label: str
    value: str | tuple[str, ...]
    code: bool = False


@dataclass(frozen=True)
class Fields:
    rows: tuple[Field, ...]
    title: str | None = None


@dataclass(frozen=True)
class Prose:
    title: str
    text: str


@dataclass(frozen=True)
class Note:
    """A redaction or reduction: what the card left out or changed, shown beside what it changed."""

    kind: str
    text: str


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Auc:
    """Area under a curve and where it comes from (a metric of the same group, or the trapezoid rule)."""

    value: float
    source: str


@dataclass(frozen=True)
class Metric:
    name: str
    type: str
    value: Any
    notes: str | None = None
    x_axis: Any = None
    y_axis: Any = None
    auc: Auc | None = None

    @property
    def is_chart(self) -> bool:
        return self.type in CHART_TYPES and chart_shape_ok(self)


@dataclass(frozen=True)
class MetricGroup:
    name: str
    metrics: tuple[Metric, ...]

    @property
    def charts(self) -> tuple[Metric, ...]:
        return tuple(m for m in self.metrics if m.is_chart)

    @property
    def scalars(self) -> tuple[Metric, ...]:
        return tuple(m for m in self.metrics if not m.is_chart)


@dataclass(frozen=True)
class Evaluation:
    name: str
    blocks: tuple[Block, ...]


Block = Union[Fields, Prose, Note, Table, MetricGroup, Evaluation]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class CardView:
    title: str
    info: tuple[Field, ...]
    risk_rating: str | None
    sections: tuple[Section, ...]
    provenance: tuple[Field, ...] = field(default=())


def build_view(content: Any, info: CardInfo | None = None) -> CardView:
    """Lay out card ``content`` for a reviewer: overview, intended uses, business details, training,
    evaluations, additional information, then the provenance footer."""
    if not isinstance(content, dict):
        raise BadInputError(f"card content must be a JSON object, got {type(content).__name__}")
    info = info or CardInfo()
    overview = _dict(content.get("model_overview"))
    custom = _dict(_dict(content.get("additional_information")).get("custom_details"))
    sections = [
        Section("overview", "Overview", _overview(overview, _dict(content.get("model_package_details")))),
        Section("intended_uses", "Intended uses", _generic(_dict(content.get("intended_uses")))),
        Section("business_details", "Business details", _generic(_dict(content.get("business_details")))),
        Section("training", "Training", _training(_dict(content.get("training_details")), custom)),
        Section("evaluations", "Evaluations", _evaluations(content.get("evaluation_details"))),
        Section(
            "additional_information",
            "Additional information",
            _additional(_dict(content.get("additional_information"))),
        ),
    ]
    known = {
        "model_overview",
        "model_package_details",
        "intended_uses",
        "business_details",
        "training_details",
        "evaluation_details",
        "additional_information",
    }
    other = {k: v for k, v in content.items() if k not in known}
    if other:
        sections.append(Section("other", "Other fields", _generic(other)))
    title = _text(overview.get("model_name")) or info.name or "Model card"
    risk = _dict(content.get("intended_uses")).get("risk_rating")
    return CardView(
        title=title,
        info=_card_info(info, content),
        risk_rating=risk if isinstance(risk, str) else None,
        sections=tuple(sections),
        provenance=_provenance(custom, content.get("evaluation_details")),
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _is_code(key: str, value: Any) -> bool:
    k = key.lower()
    return k.endswith(("arn", "uri", "url", "image", "sha256", "artifact", "datasets", "artifacts", "_id")) or (
        isinstance(value, str) and value.startswith(("arn:", "s3://"))
    )


def _value(value: Any) -> str | tuple[str, ...]:
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return tuple(scalar_text(v) for v in value)
    return scalar_text(value)


def _generic(data: dict[str, Any], prefix: str = "") -> tuple[Block, ...]:
    """Short fields first in one table, then long text as prose; nested objects flatten to dotted labels."""
    rows: list[Field] = []
    prose: list[Prose] = []
    for key, value in data.items():
        name = f"{prefix}{label(key)}"
        if value is None or value == "" or value == [] or value == {}:
            continue
        if key in PROSE_KEYS and isinstance(value, str):
            prose.append(Prose(name, value))
        elif isinstance(value, dict) and value:
            for block in _generic(value, prefix=f"{name} › "):
                if isinstance(block, Fields):
                    rows.extend(block.rows)
                elif isinstance(block, Prose):
                    prose.append(block)
        else:
            rows.append(Field(name, _value(value), code=_is_code(str(key), value)))
    return ((Fields(tuple(rows)),) if rows else ()) + tuple(prose)


def _records_table(title: str, items: Any, columns: tuple[str, ...]) -> Table | None:
    """A list of objects as a table with ``columns`` first and any other keys after them."""
    if not isinstance(items, list) or not items:
        return None
    keys = list(columns)
    for item in items:
        keys += [k for k in _dict(item) if k not in keys]
    rows = tuple(
        tuple(scalar_text(item.get(k, "")) for k in keys)
        if isinstance(item, dict)
        else (scalar_text(item),) + ("",) * (len(keys) - 1)
        for item in items
    )
    return Table(title, tuple(label(k) for k in keys), rows)


def _overview(overview: dict[str, Any], package: dict[str, Any]) -> tuple[Block, ...]:
    blocks = list(_generic(overview))
    if package:
        rest = {k: v for k, v in package.items() if k not in ("source_algorithms", "inference_specification")}
        blocks += [Fields(b.rows, "Model package") if isinstance(b, Fields) else b for b in _generic(rest)]
        algorithms = _records_table(
            "Source algorithms", package.get("source_algorithms"), ("algorithm_name", "model_data_url")
        )
        containers = _records_table(
            "Inference containers",
            _dict(package.get("inference_specification")).get("containers"),
            ("image", "model_data_url", "nearest_model_name"),
        )
        blocks += [t for t in (algorithms, containers) if t]
    return tuple(blocks)


def _training(training: dict[str, Any], custom: dict[str, Any]) -> tuple[Block, ...]:
    job = _dict(training.get("training_job_details"))
    blocks: list[Block] = list(_generic({k: v for k, v in training.items() if k != "training_job_details"}))
    described = {
        k: v
        for k, v in job.items()
        if k
        not in (
            "training_metrics",
            "user_provided_training_metrics",
            "hyper_parameters",
            "user_provided_hyper_parameters",
        )
    }
    facts = {
        k.removeprefix("mcgov.training."): v
        for k, v in custom.items()
        if k.startswith("mcgov.training.") and k not in _TRAINING_NOTE_KEYS and k != "mcgov.training.job_name"
    }
    rows = [r for b in _generic(described) + _generic(facts) if isinstance(b, Fields) for r in b.rows]
    if rows:
        blocks.append(Fields(tuple(rows), "Training job"))
    for key, title in (
        ("training_metrics", "Final metrics of the training job"),
        ("user_provided_training_metrics", "Training metrics (user provided)"),
    ):
        metrics = _metrics(job.get(key))
        if metrics:
            blocks.append(MetricGroup(title, metrics))
    redacted = _text(custom.get("mcgov.training.redacted_hyperparameters"))
    for key, title in (
        ("hyper_parameters", "Hyperparameters"),
        ("user_provided_hyper_parameters", "Hyperparameters (user provided)"),
    ):
        table = _records_table(title, job.get(key), ("name", "value"))
        if table:
            notes = (Note("Redaction", f"Hyperparameter {redacted}"),) if redacted and key == "hyper_parameters" else ()
            blocks.append(Table(table.title, table.columns, table.rows, notes))
    notes = _text(custom.get("mcgov.training.notes"))
    if notes:
        blocks.append(Note("Reduction", notes))
    return tuple(blocks)


def _metrics(items: Any) -> tuple[Metric, ...]:
    if not isinstance(items, list):
        return ()
    metrics = [
        Metric(
            name=scalar_text(m.get("name", "")),
            type=_text(m.get("type")) or "number",
            value=m.get("value"),
            notes=_text(m.get("notes")) or None,
            x_axis=m.get("x_axis_name"),
            y_axis=m.get("y_axis_name"),
        )
        if isinstance(m, dict)
        else Metric(name="", type="json", value=m)
        for m in items
    ]
    return tuple(_with_auc(m, metrics) for m in metrics)


def _evaluations(entries: Any) -> tuple[Block, ...]:
    if not isinstance(entries, list):
        return ()
    out: list[Block] = []
    for i, entry in enumerate(entries):
        entry = _dict(entry)
        blocks: list[Block] = []
        observation = _text(entry.get("evaluation_observation"))
        if observation.startswith(REDUCTION_PREFIX):
            blocks.append(Note("Reduction", observation))
        elif observation:
            blocks.append(Prose("Observation", observation))
        metadata = _dict(entry.get("metadata"))
        shown = {
            k: v for k, v in entry.items() if k not in ("name", "evaluation_observation", "metadata", "metric_groups")
        }
        shown.update({"Report": metadata.get("mcgov.source"), "Report format": metadata.get("mcgov.format")})
        shown.update({k: v for k, v in metadata.items() if not str(k).startswith(STEP_PREFIX)})
        blocks = [*_generic({k: v for k, v in shown.items() if v is not None}), *blocks]
        for group in entry.get("metric_groups") or []:
            group = _dict(group)
            metrics = _metrics(group.get("metric_data"))
            if metrics:
                blocks.append(MetricGroup(scalar_text(group.get("name", "")), metrics))
        out.append(Evaluation(scalar_text(entry.get("name") or f"Evaluation {i + 1}"), tuple(blocks)))
    return tuple(out)


def _additional(info: dict[str, Any]) -> tuple[Block, ...]:
    blocks = list(_generic({k: v for k, v in info.items() if k != "custom_details"}))
    custom = {k: v for k, v in _dict(info.get("custom_details")).items() if not str(k).startswith(STEP_PREFIX)}
    if custom:
        blocks.append(
            Table("Custom details", ("Key", "Value"), tuple((str(k), scalar_text(v)) for k, v in custom.items()))
        )
    return tuple(blocks)


def _card_info(info: CardInfo, content: dict[str, Any]) -> tuple[Field, ...]:

    rows = [
        Field("Card", info.name),
        Field("Card ARN", info.arn, code=True),
        Field("Version", str(info.version) if info.version is not None else None),
        Field("Status", info.status),
        Field("Last modified", info.last_modified),
    ]
    try:
        rows.append(Field("Content sha256", content_sha256(content), code=True))
    except (TypeError, ValueError):
        pass
    return tuple(r for r in rows if r.value)


def _provenance(custom: dict[str, Any], entries: Any) -> tuple[Field, ...]:
    rows = [
        Field(title, scalar_text(custom[key]), code=key != "mcgov.tool_version")
        for key, title in _PROVENANCE_KEYS
        if custom.get(key) not in (None, "")
    ]
    known = {k for k, _ in _PROVENANCE_KEYS}
    rows += [
        Field(label(k.removeprefix(STEP_PREFIX)), scalar_text(v), code=_is_code(k, v))
        for k, v in custom.items()
        if str(k).startswith(STEP_PREFIX) and not str(k).startswith("mcgov.training.") and k not in known
    ]
    for entry in entries if isinstance(entries, list) else []:
        metadata = _dict(_dict(entry).get("metadata"))
        if metadata.get("mcgov.sha256"):
            source = scalar_text(metadata.get("mcgov.source") or _dict(entry).get("name", ""))
            rows.append(Field(f"Report {source}", f"sha256 {scalar_text(metadata['mcgov.sha256'])}", code=True))
    return tuple(rows)


def chart_shape_ok(metric: Metric) -> bool:
    """True when a chart metric's value has the shape its type needs (otherwise it is shown as JSON in the table)."""
    value = metric.value
    if metric.type == "linear_graph":
        return (
            isinstance(value, list)
            and len(value) >= 1
            and all(isinstance(p, list) and len(p) == 2 and all(is_number(c) for c in p) for p in value)
        )
    if metric.type == "bar_chart":
        return isinstance(value, list) and len(value) >= 1 and all(is_number(v) for v in value)
    if metric.type == "matrix":
        return (
            isinstance(value, list)
            and len(value) >= 1
            and all(isinstance(r, list) and r for r in value)
            and len({len(r) for r in value}) == 1
            and all(is_number(c) for r in value for c in r)
        )
    return False


def curve_kind(metric: Metric) -> str | None:
    """``roc`` or ``pr`` for a receiver-operating-characteristic or precision-recall curve, else ``None``."""
    text = " ".join(str(t).lower() for t in (metric.name, metric.x_axis, metric.y_axis))
    if (
        "receiver_operating" in text
        or "roc" in metric.name.lower().replace("_", " ").split()
        or "false_positive" in text
    ):
        return "roc"
    if "precision_recall" in text or ("recall" in text and "precision" in text):
        return "pr"
    return None


def _with_auc(metric: Metric, group: list[Metric]) -> Metric:
    if metric.type != "linear_graph" or not chart_shape_ok(metric):
        return metric
    kind = curve_kind(metric)
    if kind is None:
        return metric
    for other in group:
        if other.type in ("number", "") and is_number(other.value) and _names_auc(other.name, kind):
            return _replace(metric, Auc(float(other.value), f"metric “{other.name}” of the same group"))
    points = sorted((float(x), float(y)) for x, y in metric.value)
    area = sum((x1 - x0) * (y0 + y1) / 2 for (x0, y0), (x1, y1) in zip(points, points[1:]))
    if not math.isfinite(area):
        return metric
    return _replace(metric, Auc(area, f"trapezoid rule over the {len(points)} plotted points"))


def _names_auc(name: str, kind: str) -> bool:
    n = name.lower()
    if "standard_deviation" in n or "best_constant" in n:
        return False
    if kind == "pr":
        return any(t in n for t in ("pr_auc", "auc_pr", "aupr", "average_precision", "precision_recall_auc"))
    return n in ("auc", "roc_auc", "auc_roc", "auroc") or n.endswith(("roc_auc", ":auc", " auc"))


def _replace(metric: Metric, auc: Auc) -> Metric:
    from dataclasses import replace

    return replace(metric, auc=auc)
