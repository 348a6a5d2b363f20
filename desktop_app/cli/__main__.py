"""``python -m desktop_app.cli``: the same as the ``taizhang`` command."""
import sys

from desktop_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
