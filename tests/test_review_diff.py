"""Diffing two card versions (core, renderers) and ``mcgov card render|diff`` from files and from the emulator."""

from __future__ import annotations

import copy
import json

import pytest
from markdown_it import MarkdownIt

from mcgov.steps.card.service import CardSources, build_card
from mcgov.steps.cli.main import main
from mcgov.steps.review.diff import diff_cards
from mcgov.steps.review.diff_render import diff_to_dict, render_diff_markdown, render_diff_text
from tests.conftest import REPO

EXAMPLES = REPO / "examples" / "churn"


@pytest.fixture(scope="module")
def v1() -> dict:
    return build_card(
        CardSources(
            training_job_path=str(EXAMPLES / "describe_training_job.json"),
            evaluations=(str(EXAMPLES / "evaluation.json"),),
            template=str(EXAMPLES / "card-template.yaml"),
        )
    )


def _metric(card: dict, name: str) -> dict:
    return next(
        m for g in card["evaluation_details"][0]["metric_groups"] for m in g["metric_data"] if m["name"] == name
    )


@pytest.fixture(scope="module")
def v2(v1) -> dict:
    card = copy.deepcopy(v1)
    _metric(card, "auc")["value"] = 0.9634
    _metric(card, "precision")["value"] = 0.8
    card["evaluation_details"].append(
        {
            "name": "holdout.json",
            "metric_groups": [{"name": "g", "metric_data": [{"name": "mse", "type": "number", "value": 1.0}]}],
        }
    )
    params = card["training_details"]["training_job_details"]["hyper_parameters"]
    params[0] = {**params[0], "value": "99"}
    params.append({"name": "new_param", "value": "0.8"})
    card["intended_uses"]["risk_rating"] = "High"
    card["model_overview"]["model_description"] = "A new description."
    return card


def test_metric_deltas_have_a_sign_and_sections_come_in_order(v1, v2):
    diff = diff_cards(v1, v2, old_label="v1", new_label="v2")
    auc = next(m for m in diff.metrics if m.name == "auc")
    assert (auc.old, auc.new, auc.status) == (0.9512, 0.9634, "changed") and auc.delta == pytest.approx(0.0122)
    assert diff.evaluations_added == ("holdout.json",) and diff.evaluations_removed == ()
    name = v1["training_details"]["training_job_details"]["hyper_parameters"][0]["name"]
    assert {(p.name, p.new) for p in diff.hyperparameters} == {(name, "99"), ("new_param", "0.8")}
    assert {f.path for f in diff.fields} == {"intended_uses.risk_rating", "model_overview.model_description"}
    text = render_diff_text(diff)
    assert "evaluation.json › binary_classification_metrics › auc 0.9512 -> 0.9634 (+0.0122)" in text
    assert "precision 0.8571 -> 0.8 (-0.0571)" in text
    assert "evaluation added: holdout.json" in text
    assert text.index("Overview") < text.index("Intended uses") < text.index("Training") < text.index("Evaluations")
    assert diff_cards(v1, copy.deepcopy(v1)).unchanged and "No changes." in render_diff_text(diff_cards(v1, v1))


def test_removed_evaluations_and_metrics_and_nearby_values():
    old = {
        "evaluation_details": [
            {
                "name": "a",
                "metric_groups": [
                    {
                        "name": "g",
                        "metric_data": [
                            {"name": "x", "type": "number", "value": 0.123456},
                            {"name": "y", "type": "number", "value": 1},
                        ],
                    }
                ],
            },
            {"name": "gone", "metric_groups": []},
        ]
    }
    new = copy.deepcopy(old)
    del new["evaluation_details"][1]
    new["evaluation_details"][0]["metric_groups"][0]["metric_data"] = [
        {"name": "x", "type": "number", "value": 0.123457}
    ]
    diff = diff_cards(old, new)
    assert diff.evaluations_removed == ("gone",)
    assert [(m.name, m.status) for m in diff.metrics] == [("x", "changed"), ("y", "removed")]
    assert "x 0.123456 -> 0.123457 (+1e-06)" in render_diff_text(diff)


def test_markdown_and_json_renderings(v1, v2):
    diff = diff_cards(v1, v2, old_label="v1", new_label="v2")
    md = render_diff_markdown(diff)
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    cells = [t.content for t in tokens if t.type == "inline"]
    assert "0\\.9634" in cells or "0.9634" in [c.replace("\\", "") for c in cells]
    assert any(t.type == "table_open" for t in tokens)
    data = json.loads(json.dumps(diff_to_dict(diff)))
    auc = next(m for m in data["metrics"] if m["name"] == "auc")
    assert auc["status"] == "changed" and auc["old"] == 0.9512 and data["evaluations_added"] == ["holdout.json"]


def test_cli_diff_and_render_from_files(v1, v2, tmp_path, capsys):
    old, new = tmp_path / "v1.json", tmp_path / "v2.json"
    old.write_text(json.dumps(v1))
    new.write_text(json.dumps(v2))
    assert main(["card", "diff", str(old), str(new)]) == 0
    assert "auc 0.9512 -> 0.9634 (+0.0122)" in capsys.readouterr().out
    assert main(["card", "diff", str(old), str(new), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["evaluations_added"] == ["holdout.json"]
    page = tmp_path / "card.html"
    assert main(["card", "render", "--content", str(new), "--diff-from", str(old), "--out", str(page)]) == 0
    html = page.read_text()
    assert capsys.readouterr().out == "" and 'id="changes"' in html and "auc 0.9512 -&gt; 0.9634 (+0.0122)" in html
    assert main(["card", "render", "--content", str(new), "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("# ")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["card", "diff", "{old}"], "--from N"),
        (["card", "diff", "{old}", "{bad}"], "bad.json"),
        (["card", "diff", "{old}", "{old}", "--from", "1"], "--from/--to"),
        (["card", "render", "--content", "{bad}"], "bad.json"),
        (["card", "render", "--content", "{old}", "--diff-from", "1"], "--diff-from VERSION"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(argv, message, v1, tmp_path, capsys):
    old, bad = tmp_path / "v1.json", tmp_path / "bad.json"
    old.write_text(json.dumps(v1))
    bad.write_text(json.dumps({"model_overview": {"model_owner": 5}}))
    output = tmp_path / "never.html"
    code = main([a.format(old=old, bad=bad) for a in argv] + (["--out", str(output)] if argv[1] == "render" else []))
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1 and not output.exists()


def test_cli_render_and_diff_a_card_in_sagemaker(emulator, tmp_path, capsys, v1, v2):
    emulator.act_as("card")
    for version, content in ((1, v1), (2, v2)):
        path = tmp_path / f"v{version}.json"
        path.write_text(json.dumps(content))
        assert main(["card", "publish", "--name", "churn-review", "--content", str(path)]) == 0
        assert json.loads(capsys.readouterr().out)["version"] == version
    assert main(["card", "diff", "churn-review", "--from", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Card diff: churn-review v1 -> churn-review v2") and "auc 0.9512 -> 0.9634 (+0.0122)" in out
    assert main(["card", "diff", "churn-review", "--from", "1", "--to", "1"]) == 0
    assert "No changes." in capsys.readouterr().out
    assert main(["card", "render", "churn-review", "--version", "1", "--diff-from", "2", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "churn\\-review v2" in out or "churn-review v2" in out
    assert "## Changes" in out and "| Version | 1 |" in out
    assert main(["card", "render", "churn-review"]) == 0
    html = capsys.readouterr().out
    assert '<th scope="row">Version</th><td>2</td>' in html and "churn-review" in html
