"""Every document mcgov reads is parsed strictly and read within a size cap (mcgov.parsing, steps.card.io)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mcgov.errors import BadInputError
from mcgov.parsing import MAX_DEPTH, POLICY, REPORT, parse_json, parse_yaml
from mcgov.steps.card.io import load_json, load_yaml, read_text


@pytest.mark.parametrize(
    "text, needle",
    [
        ('{"a": 1, "a": 2}', "'a': duplicate key"),
        ('{"outer": {"k": 1, "k": 1}}', "'k': duplicate key"),
        ("[" * 5000 + "]" * 5000, f"deeper than {MAX_DEPTH}"),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), f"deeper than {MAX_DEPTH}"),
        ('{"x": NaN}', "NaN is not a number"),
        ('{"x": -Infinity}', "-Infinity is not a number"),
        ('{"x": ', "invalid JSON"),
    ],
)
def test_json_refuses_duplicates_depth_and_nonfinite(text, needle):
    with pytest.raises(BadInputError, match="^f.json: ") as exc:
        parse_json(text, "f.json")
    assert needle in str(exc.value)


def test_json_accepts_the_depth_cap_and_nonfinite_when_asked():
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "f.json") == _nested(MAX_DEPTH)
    assert parse_json('{"x": NaN}', "f.json", allow_nonfinite=True)["x"] != 0


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


@pytest.mark.parametrize(
    "text, needle",
    [
        ("stages:\n  staging: 1\n  staging: 2\n", "duplicate key 'staging'"),
        ("a: &x [1, 2]\nb: *x\n", "aliases are not allowed"),
        ("a: " + "[" * 2000 + "]" * 2000 + "\n", f"deeper than {MAX_DEPTH}"),
        ("a: [1,\n", "invalid YAML"),
        ("? [1, 2]\n: x\n", "plain value"),
        ("a: \x00\n", "invalid YAML"),
    ],
)
def test_yaml_refuses_duplicates_aliases_depth(text, needle):
    with pytest.raises(BadInputError, match="^p.yaml: ") as exc:
        parse_yaml(text, "p.yaml")
    assert needle in str(exc.value)


def test_yaml_duplicate_error_names_the_line():
    with pytest.raises(BadInputError, match="line 3"):
        parse_yaml("version: 1\nstages: {}\nversion: 2\n", "p.yaml")


def test_directory_fifo_and_device_are_refused_before_reading(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for location, needle in (
        (str(tmp_path), "a directory"),
        (str(fifo), "not a regular file"),
        ("/dev/zero", "not a regular file"),
    ):
        with pytest.raises(BadInputError, match=needle):
            read_text(location)


def test_a_file_over_its_cap_is_refused_naming_the_override(tmp_path, monkeypatch):
    path = tmp_path / "report.json"
    path.write_text('{"a": "' + "x" * 2000 + '"}')
    monkeypatch.setenv("MCGOV_MAX_REPORT_BYTES", "1000")
    assert REPORT.max_bytes == 1000
    with pytest.raises(BadInputError, match="larger than 1000 bytes.*MCGOV_MAX_REPORT_BYTES"):
        load_json(str(path))
    monkeypatch.setenv("MCGOV_MAX_REPORT_BYTES", "１０")  # non-ASCII digits: ignored, default kept
    assert REPORT.max_bytes == REPORT.default
    assert load_json(str(path)).data["a"] == "x" * 2000


def test_s3_objects_are_capped_too(emulator, card_session, monkeypatch):
    s3 = card_session.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="mcgov-docs")
    s3.put_object(Bucket="mcgov-docs", Key="big.json", Body=b"[" + b"1," * 1000 + b"1]")
    s3.put_object(Bucket="mcgov-docs", Key="dup.yaml", Body=b"a: 1\na: 2\n")
    monkeypatch.setenv("MCGOV_MAX_REPORT_BYTES", "100")
    with pytest.raises(BadInputError, match="s3://mcgov-docs/big.json: .*larger than 100 bytes"):
        load_json("s3://mcgov-docs/big.json", s3_client=s3)
    with pytest.raises(BadInputError, match="s3://mcgov-docs/dup.yaml: .*duplicate key 'a'"):
        load_yaml("s3://mcgov-docs/dup.yaml", s3_client=s3)


def test_policy_cap_default_is_documented_size():
    assert POLICY.max_bytes == 1024 * 1024


def test_cli_refuses_a_fifo_in_one_line_without_hanging(tmp_path):
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "mcgov.steps.cli.main", "card", "validate", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not a regular file" in result.stderr and str(fifo) in result.stderr


@pytest.mark.parametrize(
    "flag, env",
    [
        ("--training-job", "MCGOV_MAX_TRAINING_JOB_BYTES"),
        ("--model-package", "MCGOV_MAX_MODEL_PACKAGE_BYTES"),
    ],
)
def test_each_kind_of_input_is_read_within_its_own_cap(tmp_path, monkeypatch, capsys, flag, env):
    """The training job, model package and card content caps apply (not the 64 MiB report cap)."""
    from mcgov.steps.cli.main import main

    big = tmp_path / "big.json"
    big.write_text('{"x": "' + "a" * 200 + '"}')
    monkeypatch.setenv(env, "100")
    assert _exit_code(main, ["card", "build", flag, str(big), "--out", str(tmp_path / "out.json")]) == 2
    assert env in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["card", "validate", "{}"], ["card", "render", "--content", "{}"], ["card", "diff", "{}", "{}"]]
)
def test_card_content_files_are_read_within_the_content_cap(tmp_path, monkeypatch, capsys, argv):
    from mcgov.steps.cli.main import main

    big = tmp_path / "content.json"
    big.write_text('{"model_overview": {"model_owner": "' + "a" * 200 + '"}}')
    monkeypatch.setenv("MCGOV_MAX_CONTENT_BYTES", "100")
    assert _exit_code(main, [str(big) if arg == "{}" else arg for arg in argv]) == 2
    assert "MCGOV_MAX_CONTENT_BYTES" in capsys.readouterr().err


def _exit_code(main, argv):
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.mark.parametrize(
    "uri",
    [
        "s3://mcgov-docs/report.json\n",
        "s3://mcgov-docs/a\tb",
        "s3://Bad_Bucket/k",
        "s3://mcgov-docs/",
        "s3://",
        "s3://mcgov-docs/" + "k" * 1025,
    ],
)
def test_report_uris_are_taken_literally_or_refused(uri):
    """``urlparse`` would drop the newline or cut at ``#`` and read another object than the one named."""
    with pytest.raises(BadInputError, match="not a valid s3://bucket/key URI"):
        read_text(uri, s3_client=object())


def test_a_hash_or_question_mark_stays_in_the_key():
    from mcgov.identifiers import split_s3_uri

    assert split_s3_uri("s3://mcgov-docs/report.json#v2") == ("mcgov-docs", "report.json#v2")
    assert split_s3_uri("s3://mcgov-docs/a?b=1") == ("mcgov-docs", "a?b=1")


LONG_KEY = "pasted-value-" * 8000  # 104 KB: an explicit YAML key (``? ``) or a JSON key has no length limit


@pytest.mark.parametrize(
    "text, parse",
    [
        (f"? {LONG_KEY}\n: 1\n? {LONG_KEY}\n: 2\n", parse_yaml),
        (f'{{"{LONG_KEY}": 1, "{LONG_KEY}": 2}}', parse_json),
    ],
)
def test_a_long_duplicate_key_is_named_by_its_length_not_echoed(text, parse):
    with pytest.raises(BadInputError, match="^d.doc: ") as exc:
        parse(text, "d.doc")
    assert "duplicate key" in str(exc.value) and f"<a key of {len(LONG_KEY)} characters>" in str(exc.value)
    assert "pasted-value" not in str(exc.value) and len(str(exc.value)) < 200
