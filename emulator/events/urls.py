"""EventBridge URL routing for the emulator: every request goes to ``EmulatorEventsResponse``."""

from __future__ import annotations

from mcgov.emulator.events.responses import EmulatorEventsResponse

url_bases = [r"https?://events\.(.+)\.amazonaws\.com"]

url_paths = {"{0}/": EmulatorEventsResponse.dispatch}
