"""Errors raised by the emulator itself (not emulated AWS errors, which live in */exceptions.py)."""

from __future__ import annotations


class EmulatorError(Exception):
    """Base class for emulator misuse."""


class EmulatorConfigError(EmulatorError):
    """The emulator configuration is invalid."""


class EmulatorNotStartedError(EmulatorError):
    """An emulator operation needs a started emulator."""


class EmulatorAlreadyStartedError(EmulatorError):
    """Only one emulator may run in a process at a time."""


class HandlerRegistrationError(EmulatorError):
    """A Lambda handler cannot be registered (not callable or bad name)."""
