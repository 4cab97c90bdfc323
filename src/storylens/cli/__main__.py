"""``python -m storylens.cli``: the same as the ``storylens`` command."""

from storylens.cli import main

main(prog_name="storylens")
