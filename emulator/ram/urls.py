"""RAM URL routing for the emulator: every RAM REST path goes to ``EmulatorRamResponse``."""

from __future__ import annotations

from mcgov.emulator.ram.responses import EmulatorRamResponse

url_bases = [r"https?://ram\.(.+)\.amazonaws.com"]

url_paths = {
    r"{0}/(?P<operation>[a-z]+)$": EmulatorRamResponse.dispatch,
    r"{0}/(?P<operation>[a-z]+)/$": EmulatorRamResponse.dispatch,
}
