"""``python -m sitrep_core``: the ``sitrep`` command."""

from ._cli import main

if __name__ == "__main__":
    main()
