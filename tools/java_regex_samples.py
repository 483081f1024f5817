"""Record java.util.regex's verdicts on sample values for every botocore pattern of the emulated services.

    python tools/java_regex_samples.py            # needs a JDK 11+ (`java` on PATH); rewrites the data file

Writes ``tests/data/java_regex_samples.json``: for each pattern of the services' models (``SERVICES``), sample
values and whether ``Pattern.compile(pattern).matcher(value).matches()`` accepted them. ``tests/test_emulator_
javaregex.py`` checks that ``mcgov.emulator.inputs.javaregex`` gives the same verdicts without a JVM. Samples
are values drawn from the translated pattern's structure (mostly matching), their mutations near the edges (line
terminators, non-ASCII letters, lengths) and a fixed list of awkward strings, so both verdicts are exercised.
Values with a code point Java's Unicode does not define are dropped (Python's ``unicodedata`` may be newer), and
so are matches Java gives up on after 50 ms (some patterns backtrack exponentially on near misses).
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import botocore.session

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "java_regex_samples.json"
SERVICES = "sagemaker ram sts s3 lambda stepfunctions iam cloudformation events dynamodb kms sqs scheduler".split()
PER_VERDICT = 12  # samples kept per pattern and verdict (accepted, refused)
FIXED = [
    "",
    "a",
    "A",
    "0",
    "_",
    "-",
    " ",
    "\t",
    "\n",
    "\r\n",
    "a\n",
    "a\r",
    "a\r\n",
    "\u0085",
    "a\u2028",
    "\u2029",
    "é",
    "ß",
    "Ä",
    "ǅ",
    "日本",
    "😀",
    "\x00",
    "\x7f",
    "\xa0",
    "\u3000",
    "٣",
    "a b",
    "a-b",
    "a--b",
    "-a",
    "a-",
    "111111111111-",
    "churn-",
    "x" * 64,
    "x" * 257,
    "arn:aws:sagemaker:us-east-1:111111111111:model-card/x",
    "arn:aws:iam::111111111111:role/r",
    "1.2.3",
    "0.0.0.0",
    "$LATEST",
    "aws.x",
    ".",
    "..",
    "/",
    "/a/",
    "a/b",
    "{}",
    "[]",
    "a\u0301",
    "\ud800",
    "\U00010000",
    "\U0010ffff",
    "\ufffe",
    "ip-10-0-0-1.ec2",
    "a_b.c:d/e=f+g-h@i",
]
JAVA = r"""
import java.util.regex.*;
import java.io.*;
public class Oracle {
  /** Gives up (Timeout) when a match backtracks too long: some model patterns are exponential on near misses. */
  static final class Timed implements CharSequence {
    final String s; final long deadline;
    Timed(String s, long deadline) { this.s = s; this.deadline = deadline; }
    public char charAt(int i) {
      if (System.nanoTime() > deadline) throw new IllegalStateException();
      return s.charAt(i);
    }
    public int length() { return s.length(); }
    public CharSequence subSequence(int a, int b) { return new Timed(s.substring(a, b), deadline); }
    public String toString() { return s; }
  }
  static String dec(String hex) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < hex.length(); i += 4) b.append((char) Integer.parseInt(hex.substring(i, i + 4), 16));
    return b.toString();
  }
  public static void main(String[] a) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in));
    PrintStream out = new PrintStream(new BufferedOutputStream(System.out));
    String line;
    while ((line = r.readLine()) != null) {
      String[] f = line.split("\t", -1);
      Pattern p;
      try { p = Pattern.compile(dec(f[0])); } catch (PatternSyntaxException e) { out.println("E"); continue; }
      StringBuilder v = new StringBuilder();
      for (int i = 1; i < f.length; i++) {
        String value = dec(f[i]);
        if (!value.codePoints().allMatch(Character::isDefined)) { v.append('U'); continue; }
        try {
          v.append(p.matcher(new Timed(value, System.nanoTime() + 50_000_000L)).matches() ? '1' : '0');
        } catch (IllegalStateException e) { v.append('T'); }
      }
      out.println(v);
    }
    out.flush();
  }
}
"""


def utf16_hex(text: str) -> str:
    """UTF-16 code units as hex, lone surrogates included (Java strings are UTF-16)."""
    data = text.encode("utf-16-be", "surrogatepass")
    return data.hex()


def model_patterns() -> list[str]:
    loader = botocore.session.get_session().get_component("data_loader")
    found = set()
    for service in SERVICES:
        shapes = loader.load_service_model(service, "service-2")["shapes"]
        found.update(shape["pattern"] for shape in shapes.values() if "pattern" in shape)
    return sorted(found)


def _draw(items: Any, rng: random.Random, groups: dict[int, str], depth: int = 0) -> str:
    """A random string following a parsed Python pattern (look-arounds ignored: the caller filters)."""
    out = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append(chr(arg + 1))
        elif name == "ANY":
            out.append(rng.choice("aZ9_- .\u00e9"))
        elif name == "IN":
            out.append(_draw_class(arg, rng))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            high = min(high, low + 6)
            out.extend(_draw(sub, rng, groups, depth + 1) for _ in range(rng.randint(low, high)))
        elif name == "SUBPATTERN":
            group, _, _, sub = arg
            text = _draw(sub, rng, groups, depth + 1)
            if group:
                groups[group] = text
            out.append(text)
        elif name == "ATOMIC_GROUP":
            out.append(_draw(arg, rng, groups, depth + 1))
        elif name == "BRANCH":
            out.append(_draw(rng.choice(arg[1]), rng, groups, depth + 1))
        elif name == "GROUPREF":
            out.append(groups.get(arg, ""))
        elif name == "CATEGORY":
            out.append(_category_char(str(arg), rng))
    return "".join(out)


def _category_char(category: str, rng: random.Random) -> str:
    choices = {
        "CATEGORY_DIGIT": "0123456789",
        "CATEGORY_NOT_DIGIT": "a-_ Z",
        "CATEGORY_WORD": "aZ9_",
        "CATEGORY_NOT_WORD": "- .:\u00e9",
        "CATEGORY_SPACE": " \t\n",
        "CATEGORY_NOT_SPACE": "aZ9-",
    }
    return rng.choice(choices.get(category, "a"))


def _draw_class(items: Any, rng: random.Random) -> str:
    negate = any(str(op) == "NEGATE" for op, _ in items)
    if negate:
        return rng.choice("aZ09-_ .\u00e9\n")
    ranges = []
    for op, arg in items:
        if str(op) == "LITERAL":
            ranges.append((arg, arg))
        elif str(op) == "RANGE":
            ranges.append(arg)
        elif str(op) == "CATEGORY":
            return _category_char(str(arg), rng)
    if not ranges:
        return "a"
    low, high = rng.choice(ranges)
    if high - low > 200 and rng.random() < 0.7:  # mostly ASCII from wide ranges, sometimes anything in them
        high = min(high, max(low, 0x7E))
    return chr(rng.randint(low, high))


def generated(pattern: re.Pattern[str], count: int, rng: random.Random) -> list[str]:
    """Values drawn from the translated pattern's structure; mostly matching (the rest are near misses)."""
    tree = re._parser.parse(pattern.pattern, pattern.flags)  # type: ignore[attr-defined]
    values = [_draw(list(tree), rng, {}) for _ in range(count * 4)]
    matching = [v for v in values if pattern.fullmatch(v)][:count]
    others = [v for v in values if not pattern.fullmatch(v)][: count // 2]
    return [v for v in matching + others if len(v) <= 300]


def mutations(value: str, rng: random.Random) -> list[str]:
    out = [value + "\n", value + "\r\n", "\n" + value, value + "\u2028", value + " ", value[:-1], value + value[-1:]]
    if value:
        i = rng.randrange(len(value))
        out += [value[:i] + "é" + value[i + 1 :], value[:i] + "-" + value[i + 1 :], value[:i] + "\u0085" + value[i:]]
        out += [value[:i] + value[i].swapcase() + value[i + 1 :], value[:i] + "٣" + value[i + 1 :]]
    return out


def samples(pattern: str, rng: random.Random) -> list[str]:
    from mcgov.emulator.inputs.javaregex import compile_java

    values = list(FIXED)
    for value in generated(compile_java(pattern), 8, rng):
        values.append(value)
        values.extend(mutations(value, rng))
    return list(dict.fromkeys(values))


def java_verdicts(rows: list[tuple[str, list[str]]]) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "Oracle.java"
        source.write_text(JAVA)
        lines = "".join(
            "\t".join([utf16_hex(pattern), *(utf16_hex(v) for v in values)]) + "\n" for pattern, values in rows
        )
        done = subprocess.run(["java", str(source)], input=lines, capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def main() -> int:
    rng = random.Random(17)
    rows = [(pattern, samples(pattern, rng)) for pattern in model_patterns()]
    verdicts = java_verdicts(rows)
    records = []
    for (pattern, values), verdict in zip(rows, verdicts, strict=True):
        if verdict == "E":
            records.append({"pattern": pattern, "java_compiles": False, "samples": []})
            continue
        judged = [(v, c == "1") for v, c in zip(values, verdict, strict=True) if c in "01"]
        kept = [s for s in judged if s[1]][:PER_VERDICT] + [s for s in judged if not s[1]][:PER_VERDICT]
        records.append({"pattern": pattern, "java_compiles": True, "samples": [list(s) for s in kept]})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"services": list(SERVICES), "patterns": records}, ensure_ascii=True, indent=0) + "\n")
    total = sum(len(r["samples"]) for r in records)
    print(f"{len(records)} patterns, {total} samples -> {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
