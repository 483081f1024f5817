"""What changed between two versions of a card, section by section (pure: two content dicts in, ``CardDiff`` out).

Metrics are matched by (evaluation, group, metric name), hyperparameters by name, evaluations by name; every
other field by its path. Numeric metric changes carry a signed delta.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from mcgov.errors import BadInputError
from mcgov.steps.review.formatting import is_number

SECTIONS = (
    ("overview", "Overview"),
    ("intended_uses", "Intended uses"),
    ("business_details", "Business details"),
    ("training", "Training"),
    ("evaluations", "Evaluations"),
    ("additional_information", "Additional information"),
    ("other", "Other fields"),
)
_SECTION_OF = {
    "model_overview": "overview",
    "model_package_details": "overview",
    "intended_uses": "intended_uses",
    "business_details": "business_details",
    "training_details": "training",
    "evaluation_details": "evaluations",
    "additional_information": "additional_information",
}
_TRAINING_LISTS = (
    "training_metrics",
    "user_provided_training_metrics",
    "hyper_parameters",
    "user_provided_hyper_parameters",
)
TRAINING_SCOPE = "training job"
_TOOL_PATHS = ("custom_details.mcgov.", "metadata.mcgov.")
PARSER_NOTES_PREFIX = "Parsing notes"


@dataclass(frozen=True)
class FieldChange:
    """A field added (``old`` is None), removed (``new`` is None) or changed; values as in the card."""

    section: str
    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class MetricChange:
    """A metric added, removed or changed. ``delta`` is ``new - old`` when both are numbers."""

    section: str
    scope: str
    group: str
    name: str
    old: Any
    new: Any
    delta: float | None = None

    @property
    def status(self) -> str:
        return "added" if self.old is None else "removed" if self.new is None else "changed"


@dataclass(frozen=True)
class ParameterChange:
    """A hyperparameter added, removed or given a new value.

    ``list`` is ``hyper_parameters`` or ``user_provided_...``.
    """

    list: str
    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class CardDiff:
    old_label: str
    new_label: str
    fields: tuple[FieldChange, ...] = ()
    metrics: tuple[MetricChange, ...] = ()
    hyperparameters: tuple[ParameterChange, ...] = ()
    evaluations_added: tuple[str, ...] = ()
    evaluations_removed: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        return not (
            self.fields or self.metrics or self.hyperparameters or self.evaluations_added or self.evaluations_removed
        )

    def in_section(self, section: str) -> tuple[tuple[FieldChange, ...], tuple[MetricChange, ...]]:
        return (
            tuple(f for f in self.fields if f.section == section),
            tuple(m for m in self.metrics if m.section == section),
        )


def recorded_by_mcgov(change: FieldChange) -> bool:
    """A change to what mcgov recorded about how it built the card (a ``mcgov.*`` custom detail or report
    metadata key, or an evaluation's parser notes) rather than to what the card says."""
    if any(mark in change.path for mark in _TOOL_PATHS):
        return True
    values = [v for v in (change.old, change.new) if v is not None]
    return change.path.endswith("evaluation_observation") and all(
        isinstance(v, str) and v.startswith(PARSER_NOTES_PREFIX) for v in values
    )


def split_recorded(diff: CardDiff) -> tuple[CardDiff, tuple[FieldChange, ...]]:
    """``diff`` without the changes to what mcgov recorded, and those changes."""
    recorded = tuple(f for f in diff.fields if recorded_by_mcgov(f))
    return replace(diff, fields=tuple(f for f in diff.fields if not recorded_by_mcgov(f))), recorded


def diff_cards(old: Any, new: Any, *, old_label: str = "old", new_label: str = "new") -> CardDiff:
    """Compare two card contents; the result lists changes in reviewer order."""
    for content, label in ((old, old_label), (new, new_label)):
        if not isinstance(content, dict):
            raise BadInputError(f"card content must be a JSON object, got {type(content).__name__}", source=label)
    old_evals, new_evals = _evaluations(old), _evaluations(new)
    fields = _field_changes(_flatten_card(old), _flatten_card(new))
    for name in [n for n in old_evals if n in new_evals]:
        fields += _field_changes(_flatten_entry(name, old_evals[name]), _flatten_entry(name, new_evals[name]))
    metrics = _metric_changes(_training_metrics(old), _training_metrics(new), "training")
    metrics += _metric_changes(_evaluation_metrics(old_evals), _evaluation_metrics(new_evals), "evaluations")
    order = {key: i for i, (key, _) in enumerate(SECTIONS)}
    return CardDiff(
        old_label=old_label,
        new_label=new_label,
        fields=tuple(sorted(fields, key=lambda f: order[f.section])),
        metrics=tuple(metrics),
        hyperparameters=_parameter_changes(old, new),
        evaluations_added=tuple(n for n in new_evals if n not in old_evals),
        evaluations_removed=tuple(n for n in old_evals if n not in new_evals),
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _unique(names: list[str]) -> list[str]:
    """Names made unique by numbering repeats (``auc``, ``auc #2``), so duplicates still pair up in order."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return out


def _evaluations(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    entries = (
        [e for e in content.get("evaluation_details") or [] if isinstance(e, dict)]
        if isinstance(content.get("evaluation_details"), list)
        else []
    )
    names = _unique([str(e.get("name", f"evaluation {i + 1}")) for i, e in enumerate(entries)])
    return dict(zip(names, entries, strict=False))


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, sub in value.items():
            _flatten(sub, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list) and value and any(isinstance(v, dict) for v in value):
        for i, sub in enumerate(value):
            _flatten(sub, f"{path}[{i}]", out)
    elif value not in (None, "", [], {}):
        out[path] = value


def _flatten_card(content: dict[str, Any]) -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}
    for key, value in content.items():
        if key == "evaluation_details":
            continue
        if key == "training_details" and isinstance(value, dict):
            job = _dict(value.get("training_job_details"))
            value = {**value, "training_job_details": {k: v for k, v in job.items() if k not in _TRAINING_LISTS}}
        flat: dict[str, Any] = {}
        _flatten(value, str(key), flat)
        section = _SECTION_OF.get(str(key), "other")
        out.update({(section, path): v for path, v in flat.items()})
    return out


def _flatten_entry(name: str, entry: dict[str, Any]) -> dict[tuple[str, str], Any]:
    flat: dict[str, Any] = {}
    _flatten({k: v for k, v in entry.items() if k not in ("name", "metric_groups")}, "", flat)
    return {("evaluations", f"{name} › {path}"): v for path, v in flat.items()}


def _field_changes(old: dict[tuple[str, str], Any], new: dict[tuple[str, str], Any]) -> list[FieldChange]:
    keys = list(old) + [k for k in new if k not in old]
    return [
        FieldChange(section, path, old.get((section, path)), new.get((section, path)))
        for section, path in keys
        if old.get((section, path)) != new.get((section, path))
    ]


MetricKey = tuple[str, str, str]


def _metric_list(items: Any) -> list[tuple[str, Any]]:
    metrics = [m for m in items if isinstance(m, dict)] if isinstance(items, list) else []
    names = _unique([str(m.get("name", "")) for m in metrics])
    return [(n, m.get("value")) for n, m in zip(names, metrics, strict=False)]


def _training_metrics(content: dict[str, Any]) -> dict[MetricKey, Any]:
    job = _dict(_dict(content.get("training_details")).get("training_job_details"))
    out: dict[MetricKey, Any] = {}
    for key in ("training_metrics", "user_provided_training_metrics"):
        out.update({(TRAINING_SCOPE, key, name): value for name, value in _metric_list(job.get(key))})
    return out


def _evaluation_metrics(entries: dict[str, dict[str, Any]]) -> dict[MetricKey, Any]:
    out: dict[MetricKey, Any] = {}
    for entry_name, entry in entries.items():
        groups = (
            [g for g in entry.get("metric_groups") or [] if isinstance(g, dict)]
            if isinstance(entry.get("metric_groups"), list)
            else []
        )
        for group_name, group in zip(_unique([str(g.get("name", "")) for g in groups]), groups, strict=False):
            out.update(
                {(entry_name, group_name, name): value for name, value in _metric_list(group.get("metric_data"))}
            )
    return out


def _metric_changes(old: dict[MetricKey, Any], new: dict[MetricKey, Any], section: str) -> list[MetricChange]:
    changes = []
    for key in list(old) + [k for k in new if k not in old]:
        before, after = old.get(key), new.get(key)
        if before == after and (key in old) == (key in new):
            continue
        delta = after - before if is_number(before) and is_number(after) else None
        changes.append(MetricChange(section, *key, old=before, new=after, delta=delta))
    return changes


def _parameter_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[ParameterChange, ...]:
    changes: list[ParameterChange] = []
    for key in ("hyper_parameters", "user_provided_hyper_parameters"):
        before = dict(_metric_list(_dict(_dict(old.get("training_details")).get("training_job_details")).get(key)))
        after = dict(_metric_list(_dict(_dict(new.get("training_details")).get("training_job_details")).get(key)))
        for name in list(before) + [n for n in after if n not in before]:
            if before.get(name) != after.get(name) or (name in before) != (name in after):
                changes.append(ParameterChange(key, name, _text(before.get(name)), _text(after.get(name))))
    return tuple(changes)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
