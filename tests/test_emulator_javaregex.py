"""botocore patterns are Java regexes: the translation compiles for every pattern and agrees with java.util.regex.

``tests/data/java_regex_samples.json`` records Java's verdicts (``Matcher.matches``) on sample values for every
pattern of the emulated services' models; ``tools/java_regex_samples.py`` regenerates it with a JDK.
"""

from __future__ import annotations

import json
from pathlib import Path

import botocore.session
import pytest

from mcgov.emulator.inputs.javaregex import UnsupportedJavaRegex, compile_java

SAMPLES = json.loads((Path(__file__).parent / "data" / "java_regex_samples.json").read_text())
SERVICES = SAMPLES["services"]


def model_patterns(service: str) -> set[str]:
    shapes = botocore.session.get_session().get_component("data_loader").load_service_model(service, "service-2")
    return {shape["pattern"] for shape in shapes["shapes"].values() if "pattern" in shape}


def test_the_samples_cover_the_product_services() -> None:
    assert {"sagemaker", "ram", "sts", "lambda", "stepfunctions", "iam", "cloudformation"} <= set(SERVICES)
    assert {"events", "dynamodb", "kms", "sqs", "scheduler"} <= set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_every_pattern_of_the_installed_model_compiles(service: str) -> None:
    for pattern in model_patterns(service):
        compile_java(pattern)


def test_java_verdicts_agree_on_every_recorded_sample() -> None:
    disagreements = []
    for record in SAMPLES["patterns"]:
        assert record["java_compiles"], record["pattern"]
        regex = compile_java(record["pattern"])
        for value, java_matches in record["samples"]:
            if bool(regex.fullmatch(value)) != java_matches:
                disagreements.append((record["pattern"], value, java_matches))
    assert not disagreements, disagreements[:10]
    assert sum(len(r["samples"]) for r in SAMPLES["patterns"]) > 5000
    assert sum(ok for r in SAMPLES["patterns"] for _, ok in r["samples"]) > 2000  # both verdicts exercised


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", "111111111111-", False),  # ListModelCards NameContains
        ("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", "111111111111", True),
        ("^[a-z]+$", "abc\n", False),  # whole-value match: $ before a final newline leaves it unconsumed
        (".+", "a\u2028b", False),  # Java's . excludes every line terminator
        (".+", "a\u0085", False),
        ("(?s).+", "a\u2028b", True),
        ("[\\w]+", "\u00e9", False),  # \w is ASCII
        ("\\p{Alpha}+", "\u00e9", False),  # POSIX classes are ASCII
        ("\\p{L}+", "\u00e9\u65e5", True),  # general categories are Unicode
        ("\\p{IsL}+", "\u00e9", True),
        ("\\P{L}+", "1-", True),
        ("[a-z&&[^aeiou]]+", "bcd", True),  # intersection
        ("[a-z&&[^aeiou]]+", "bad", False),
        ("[a-c[x-z]]+", "axz", True),  # nested class: union
        ("[^a[b]]", "b", False),  # negation applies to the whole class
        ("\\Qa.b\\E", "a.b", True),
        ("\\Qa.b\\E", "axb", False),
        ("[\\u0020-\\u007E\\u10000-\\u10FFFF]+", "\U0001f600", False),  # \u takes exactly four digits
        ("[\\u0020-\\u007E\\u10000-\\u10FFFF]+", "\u1000", True),
        ("[\\uD800\\uDC00-\\uDBFF\\uDFFF]", "\U0001f600", True),  # escaped surrogate pair = one code point
        ("([a-z]*)${1,128}", "abc", True),  # a quantified anchor
        ("a(?i)b|c", "aB", True),  # (?i) holds to the end of the group, across |
        ("a(?i)b|c", "C", True),
        ("A(?i)b", "ab", False),
        ("(?i)[a-c]+", "ABC", True),
        ("(?i)\u00e9", "\u00c9", False),  # case folding is ASCII-only without (?u)
        ("x*+x", "xx", False),  # possessive
        ("(?>a|ab)c", "abc", False),  # atomic group
        ("a\\z", "a\n", False),
        ("a\\Z\\n", "a\n", True),
        ("\\x41\\x{1F600}\\0101\\t\\cA", "A\U0001f600A\t\x01", True),
        ("(?<n>a)\\k<n>", "aa", True),
        ("\\bab\\b", "ab", True),
        ("(?<!-)a", "a", True),
    ],
)
def test_java_semantics(pattern: str, value: str, matches: bool) -> None:
    assert bool(compile_java(pattern).fullmatch(value)) is matches


@pytest.mark.parametrize("pattern", ["(?x)a", "\\G", "\\X", "\\p{InGreek}", "a{", "*a", "[a", "(a", "\\y"])
def test_unsupported_or_invalid_java_is_refused_not_guessed(pattern: str) -> None:
    with pytest.raises(UnsupportedJavaRegex):
        compile_java(pattern)
