"""EventBridge responses for the emulator: moto's handler plus TestEventPattern."""

from __future__ import annotations

import json

from moto.events.responses import EventsHandler

from mcgov.emulator.events.models import EmulatorEventsBackend


class EmulatorEventsResponse(EventsHandler):
    """moto's EventBridge handler; ``TestEventPattern`` answers ``{"Result": bool}`` (moto answers nothing)."""

    def test_event_pattern(self) -> str:  # type: ignore[override]
        backend = self.events_backend
        assert isinstance(backend, EmulatorEventsBackend)
        result = backend.test_event_pattern(self._get_param("EventPattern"), self._get_param("Event"))
        return json.dumps({"Result": result})
