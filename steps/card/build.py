"""Assemble a card's content from what the pipeline produced (pure: plain data in, validated dict out).

Inputs are already loaded (see ``steps.card.loaders`` for files, S3 and the AWS describe calls).
The same inputs always give the same content, so a re-run can be detected as unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mcgov.steps.card import limits as L
from mcgov.steps.card.evaluation.api import parse_report
from mcgov.steps.card.model_package import model_package_details
from mcgov.steps.card.naming import shorten, truncate_text
from mcgov.steps.card.ownership import GENERATED_KEY, merge_content
from mcgov.steps.card.secrets import scrub
from mcgov.steps.card.training import training_facts
from mcgov.steps.card.validation import validate_content
from mcgov.steps.version import __version__


@dataclass(frozen=True)
class ReportInput:
    """One evaluation report: where it came from, its sha256, its parsed JSON and an optional format override."""

    location: str
    data: Any
    sha256: str
    fmt: str | None = None


@dataclass(frozen=True)
class BuildInputs:
    training_job: dict[str, Any] | None = None
    training_job_source: str = "<training job>"
    reports: tuple[ReportInput, ...] = ()
    template: dict[str, Any] | None = None
    model_package: dict[str, Any] | None = None
    model_package_source: str = "<model package>"
    existing: dict[str, Any] | None = None
    pipeline_execution_arn: str | None = None
    extra_provenance: dict[str, str] = field(default_factory=dict)


def build_content(inputs: BuildInputs) -> dict[str, Any]:
    """Merge the generated parts with the existing card and the template, then validate everything.

    Secrets are removed from everything copied in (template included) before the merge; the card lists
    the redacted fields by path in ``custom_details["mcgov.redacted"]``, never their values.
    """
    generated, defaults = generate(inputs)
    template, template_paths = scrub(inputs.template) if inputs.template is not None else (None, [])
    if template_paths:
        custom = generated["additional_information"]["custom_details"]
        custom["mcgov.redacted"] = _redaction_note(
            custom.get("mcgov.redacted"), [f"template: {p}" for p in template_paths]
        )
    merged = merge_content(existing=inputs.existing, template=template, defaults=defaults, generated=generated)
    return validate_content(merged, source="<built content>")


def _redaction_note(previous: str | None, paths: list[str]) -> str:
    text = (previous + "; " if previous else "values hidden because they look secret: ") + ", ".join(paths)
    return truncate_text(text, L.CUSTOM_DETAIL_MAX)


def generate(inputs: BuildInputs) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (step-owned content, suggested defaults for empty human fields)."""
    generated: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    custom: dict[str, str] = {}
    if inputs.training_job is not None:
        facts = training_facts(inputs.training_job, source=inputs.training_job_source)
        generated["training_details"] = {"training_job_details": facts.training_job_details}
        custom.update(facts.custom_details)
        custom["mcgov.training_job_arn"] = facts.training_job_details["training_arn"]
        artifact = facts.custom_details.get("mcgov.training.model_artifacts")
        if artifact:
            defaults["model_overview"] = {"model_artifact": [artifact]}
    if inputs.reports:
        generated["evaluation_details"] = evaluation_entries(inputs.reports)
    if inputs.model_package is not None:
        package = model_package_details(inputs.model_package, source=inputs.model_package_source)
        generated["model_package_details"] = package
        custom["mcgov.model_package_arn"] = truncate_text(package["model_package_arn"], L.CUSTOM_DETAIL_MAX)
        images = [c["image"] for c in package.get("inference_specification", {}).get("containers", [])]
        if images:
            defaults.setdefault("model_overview", {})["inference_environment"] = {"container_image": images}
    generated["additional_information"] = {"custom_details": custom}
    generated, paths = scrub(generated, exempt=_OWN_NOTES)
    defaults, default_paths = scrub(defaults)
    redacted = sorted(set(paths + default_paths))
    custom = generated.setdefault("additional_information", {}).setdefault("custom_details", {})
    custom.update({k: truncate_text(v, L.CUSTOM_DETAIL_MAX) for k, v in _provenance(inputs).items()})
    if redacted:
        custom["mcgov.redacted"] = _redaction_note(None, redacted)
    generated["additional_information"]["custom_details"] = dict(sorted(custom.items()))
    return generated, defaults


_OWN_NOTES = frozenset({"mcgov.sha256", "mcgov.training.redacted_hyperparameters", "mcgov.training.notes"})


def _provenance(inputs: BuildInputs) -> dict[str, str]:
    """Provenance the step records itself (tool version, ARNs given by the run): never scrubbed."""
    out = {"mcgov.tool_version": __version__}
    if inputs.pipeline_execution_arn:
        out["mcgov.pipeline_execution_arn"] = inputs.pipeline_execution_arn
    out.update({f"mcgov.{k}": v for k, v in inputs.extra_provenance.items()})
    return out


def evaluation_entries(reports: tuple[ReportInput, ...] | list[ReportInput]) -> list[dict[str, Any]]:
    """One generated evaluation entry per report, named after its file, with provenance in ``metadata``."""
    entries: list[dict[str, Any]] = []
    used: set[str] = set()
    for report, label in zip(reports, entry_labels([r.location for r in reports]), strict=True):
        parsed = parse_report(report.data, fmt=report.fmt, source=report.location)
        name = _unique(shorten(label, L.GROUP_NAME_MAX), used)
        entry: dict[str, Any] = {"name": name}
        if parsed.reductions:
            entry["evaluation_observation"] = truncate_text(
                "Parsing notes (what was reduced or left out, and why): " + "; ".join(parsed.reductions),
                L.EVALUATION_OBSERVATION_MAX,
            )
        entry["metadata"] = {
            GENERATED_KEY: "true",
            "mcgov.format": parsed.format,
            "mcgov.source": truncate_text(report.location, L.CUSTOM_DETAIL_MAX),
            "mcgov.sha256": report.sha256,
        }
        entry["metric_groups"] = parsed.metric_groups
        entries.append(entry)
    return entries


def entry_labels(locations: list[str]) -> list[str]:
    """The file name of each report, with as many parent folders as it takes to tell different files apart.

    The same location given twice keeps its plain name (``evaluation_entries`` numbers the second one).
    """
    parts = [[p for p in loc.replace("\\", "/").split("/") if p and p != "s3:"] or [loc] for loc in locations]
    depth = [1] * len(parts)
    while True:
        labels = ["/".join(p[-d:]) for p, d in zip(parts, depth, strict=True)]
        owners: dict[str, set[str]] = {}
        for label, location in zip(labels, locations, strict=True):
            owners.setdefault(label, set()).add(location)
        grow = [i for i, label in enumerate(labels) if len(owners[label]) > 1 and depth[i] < len(parts[i])]
        if not grow:
            return labels
        for i in grow:
            depth[i] += 1


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate = name[: L.GROUP_NAME_MAX - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate
