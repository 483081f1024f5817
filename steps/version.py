"""The installed tool version (from ``steps/VERSION``), recorded in every card's provenance."""

from pathlib import Path

__version__ = (Path(__file__).with_name("VERSION")).read_text().strip()
