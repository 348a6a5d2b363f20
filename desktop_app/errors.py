"""The three kinds of error the program shows to a person.

Everything a clerk may see is Chinese and complete as it stands: the GUI shows
``str(error)`` in one dialog, the CLI prints it on one line and exits 1.
"""
from __future__ import annotations


class UserFacingError(Exception):
    """A refusal or failure whose message is shown to the user as is."""


class ValidationError(UserFacingError):
    """Bad input in one field; the GUI shows ``message`` beside ``field``."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message


class NeedsConfirmation(UserFacingError):
    """A write that is allowed only when the user confirms it (a deadline already
    past, or before the record's start). ``items`` lists what needs confirming;
    the caller asks and writes again with the confirmation flag set."""

    def __init__(self, message: str, items: list[dict]):
        super().__init__(message)
        self.items = items


class Cancelled(Exception):
    """Long work stopped because the user asked it to."""
