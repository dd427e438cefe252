"""PyInstaller entry script for the ``mediationdesk`` executable (see mediationdesk.spec).

``selftest --qt-probe`` is answered before the full command-line parser is built, so the
installation self-test can report on Qt even if some subcommand module fails to import.
"""

import multiprocessing
import sys

# A big demo load makes its rows in a second process of this executable (spawned, as always on
# Windows): in that child this hands over to multiprocessing before the app starts.
multiprocessing.freeze_support()

if sys.argv[1:3] == ["selftest", "--qt-probe"]:
    from desktop.cli.selftest import qt_probe

    raise SystemExit(qt_probe())

from desktop.cli import main

raise SystemExit(main())
