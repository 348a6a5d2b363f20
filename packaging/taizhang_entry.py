"""Entry of both frozen executables (packaging/taizhang.spec): one program, two doors.

``taizhang`` (console) runs the command line; ``监督台账`` (windowed, no console) opens
the window. Both are built from this one script so they share one folder and one copy
of every module; the executable's own name says which door was used.
"""
import sys
from pathlib import Path

from desktop_app.cli import gui_main, main

if __name__ == "__main__":
    console = Path(sys.executable).stem.lower() == "taizhang"
    sys.exit(main() if console else gui_main())
