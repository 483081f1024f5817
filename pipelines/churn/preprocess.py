"""Optional preprocessing of the churn pipeline: split a headered CSV (label column ``Churn?``) 70/20/10.

Writes label-first, header-less CSVs to ``/opt/ml/processing/{train,validation,test}``; pure stdlib.
"""

from __future__ import annotations

import argparse
import csv
import pathlib
import random
from collections.abc import Sequence

BASE = pathlib.Path("/opt/ml/processing")
LABEL = "Churn?"
TRUE_VALUES = {"true", "true.", "1", "yes"}


def to_rows(header: Sequence[str], records: Sequence[Sequence[str]], label: str = LABEL) -> list[list[str]]:
    """Move ``label`` to column 0 as 0/1 and keep the numeric columns (non-numeric ones are dropped)."""
    index = list(header).index(label)
    numeric = [i for i in range(len(header)) if i != index and all(_is_number(r[i]) for r in records)]
    return [["1" if r[index].strip().lower() in TRUE_VALUES else "0", *(r[i] for i in numeric)] for r in records]


def split(rows: list[list[str]], seed: int = 42) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """Deterministic 70/20/10 split."""
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    a, b = int(0.7 * len(shuffled)), int(0.9 * len(shuffled))
    return shuffled[:a], shuffled[a:b], shuffled[b:]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def main() -> None:
    """Read ``--input-file`` (default the single CSV under /opt/ml/processing/input) and write the splits."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--input-file", default=None)
    args = parser.parse_args()
    source = pathlib.Path(args.input_file) if args.input_file else next((BASE / "input").glob("*.csv"))
    with source.open(newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        records = [r for r in reader if r]
    for name, part in zip(("train", "validation", "test"), split(to_rows(header, records)), strict=False):
        out = BASE / name
        out.mkdir(parents=True, exist_ok=True)
        with (out / f"{name}.csv").open("w", newline="") as handle:
            csv.writer(handle).writerows(part)


if __name__ == "__main__":
    main()
