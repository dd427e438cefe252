"""PyInstaller entry script for the ``mediationdesk`` executable (see mediationdesk.spec).

``selftest --qt-probe`` is answered before the full command-line parser is built, so the
installation self-test can report on Qt even if some subcommand module fails to import.
"""

import sys

if sys.argv[1:3] == ["selftest", "--qt-probe"]:
    from desktop.cli.selftest import qt_probe

    raise SystemExit(qt_probe())

from desktop.cli import main

raise SystemExit(main())
