"""EventBridge Scheduler URL routing for the emulator: moto's routes and response class (the backend differs)."""

from __future__ import annotations

from moto.scheduler.urls import url_bases, url_paths

__all__ = ["url_bases", "url_paths"]
