"""Standard streams that never fail the program.

A redirected Windows console writes in the ANSI code page (cp936): a character
outside it (a rare 姓名 character, an emoji in a note) would raise
UnicodeEncodeError in the middle of a listing. Unencodable characters become
``?``-style replacements instead. A windowed executable (pythonw, the frozen
GUI) has no streams at all: writes go nowhere rather than raising.
"""
from __future__ import annotations

import io
import os
import sys


def prepare() -> None:
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the process)
        elif isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            try:
                stream.reconfigure(errors="replace")
            except (AttributeError, ValueError, io.UnsupportedOperation):
                pass


def silence_stdout() -> None:
    """After a broken pipe: point stdout at nowhere so the exit flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass
