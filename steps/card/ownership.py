"""Who owns which part of a card, and the merge that follows from it (pure functions).

The step owns what it derives from the pipeline and replaces it on every run:
``training_details.training_job_details`` (all but the ``user_provided_*`` lists), the evaluation entries it
generated (marked ``metadata["mcgov.generated"] == "true"``), ``model_package_details`` (when a package is
given) and ``additional_information.custom_details`` keys starting with ``mcgov.``.
Everything else belongs to people: an existing card's human fields are kept; the template, then the step's
suggested defaults, fill only what is empty.
"""

from __future__ import annotations

import copy
from typing import Any, cast

from mcgov.steps.card.naming import normalize_key

GENERATED_KEY = "mcgov.generated"
STEP_PREFIX = "mcgov."
STEP_OWNED_TRAINING_FIELDS = (
    "training_arn",
    "training_datasets",
    "training_environment",
    "training_metrics",
    "hyper_parameters",
)


def is_step_key(key: Any) -> bool:
    """True for a key the step owns (``mcgov.*``), however it is cased, padded or disguised with NFKC/zero-width."""
    return normalize_key(str(key)).startswith(STEP_PREFIX)


def is_generated_evaluation(entry: Any) -> bool:
    return bool(_get(entry, "metadata", GENERATED_KEY) == "true")


def _get(data: Any, *path: str) -> Any:
    """``data[path[0]][path[1]]...`` or ``None`` when a level is missing or not a dict."""
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def step_owned_paths(content: dict[str, Any]) -> list[str]:
    """Fields in ``content`` that only the step may write (used to reject templates that set them)."""
    found: list[str] = []
    job = _get(content, "training_details", "training_job_details")
    if isinstance(job, dict):
        found += [f"training_details.training_job_details.{f}" for f in STEP_OWNED_TRAINING_FIELDS if f in job]
    if "model_package_details" in content:
        found.append("model_package_details")
    evaluations = content.get("evaluation_details")
    for i, entry in enumerate(evaluations if isinstance(evaluations, list) else []):
        metadata = _get(entry, "metadata")
        if isinstance(metadata, dict) and any(is_step_key(k) for k in metadata):
            found.append(f"evaluation_details[{i}].metadata")
    custom = _get(content, "additional_information", "custom_details")
    if isinstance(custom, dict):
        found += [f"additional_information.custom_details.{k}" for k in custom if is_step_key(k)]
    return found


def strip_step_owned(content: dict[str, Any], *, keep_model_package: bool) -> dict[str, Any]:
    """Return a copy of ``content`` without what the step owns (the human part of a card)."""
    human = copy.deepcopy(content)
    job = _get(human, "training_details", "training_job_details")
    if isinstance(job, dict):
        for f in STEP_OWNED_TRAINING_FIELDS:
            job.pop(f, None)
    if isinstance(human.get("evaluation_details"), list):
        human["evaluation_details"] = [e for e in human["evaluation_details"] if not is_generated_evaluation(e)]
    if not keep_model_package:
        human.pop("model_package_details", None)
    custom = _get(human, "additional_information", "custom_details")
    if isinstance(custom, dict):
        for key in [k for k in custom if is_step_key(k)]:
            del custom[key]
    return cast("dict[str, Any]", _prune_empty(human))


def fill_empty(base: dict[str, Any], filler: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` with every empty or missing field taken from ``filler``, recursively."""
    out = copy.deepcopy(base)
    for key, value in filler.items():
        if _is_empty(out.get(key)):
            if not _is_empty(value):
                out[key] = copy.deepcopy(value)
        elif isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = fill_empty(out[key], value)
    return out


def apply_generated(human: dict[str, Any], generated: dict[str, Any]) -> dict[str, Any]:
    """Put the step-owned parts (``generated``, shaped like content) onto the human part."""
    out = copy.deepcopy(human)
    job = _get(generated, "training_details", "training_job_details")
    if job:
        training = _section(out, "training_details")
        existing_job = training.get("training_job_details")
        kept = (
            {k: v for k, v in existing_job.items() if k.startswith("user_provided_")}
            if isinstance(existing_job, dict)
            else {}
        )
        training["training_job_details"] = {**copy.deepcopy(job), **kept}
    evaluations = generated.get("evaluation_details") or []
    if evaluations:
        current = out.get("evaluation_details")
        out["evaluation_details"] = (current if isinstance(current, list) else []) + copy.deepcopy(evaluations)
    if generated.get("model_package_details"):
        out["model_package_details"] = copy.deepcopy(generated["model_package_details"])
    custom = _get(generated, "additional_information", "custom_details")
    if custom:
        info = _section(out, "additional_information")
        current = info.get("custom_details")
        info["custom_details"] = {**(current if isinstance(current, dict) else {}), **custom}
    return out


def _section(content: dict[str, Any], name: str) -> dict[str, Any]:
    """The dict at ``content[name]``, replacing a missing or malformed value (validation reports the latter)."""
    if not isinstance(content.get(name), dict):
        content[name] = {}
    section: dict[str, Any] = content[name]
    return section


def merge_content(
    *,
    existing: dict[str, Any] | None,
    template: dict[str, Any] | None,
    defaults: dict[str, Any] | None,
    generated: dict[str, Any],
) -> dict[str, Any]:
    """existing human fields > template > defaults, then the step-owned parts from ``generated``."""
    keep_package = not generated.get("model_package_details")
    human = strip_step_owned(existing or {}, keep_model_package=keep_package)
    human = fill_empty(human, template or {})
    human = fill_empty(human, defaults or {})
    return cast("dict[str, Any]", _prune_empty(apply_generated(human, generated)))


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _prune_empty(data: Any) -> Any:
    if isinstance(data, dict):
        pruned = {k: _prune_empty(v) for k, v in data.items()}
        return {k: v for k, v in pruned.items() if not _is_empty(v)}
    if isinstance(data, list):
        return [_prune_empty(v) for v in data]
    return data
