"""``python -m sitrep_core``: the ``sitrep`` command."""

from .cli._main import main

if __name__ == "__main__":
    main()
