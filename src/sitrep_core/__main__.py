"""``python -m sitrep_core``: the ``sitrep`` command.

``python -m`` puts the current directory first on the import path; a file there named
like a plugin (``sitrep_geojson.py``) would then run when plugins load. The command
imports nothing from the directory it is run in, like the ``sitrep`` script.
"""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from sitrep_core.cli._main import main

if __name__ == "__main__":
    main()
