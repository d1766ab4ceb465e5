"""Runs the command line: python -m casebook ..."""

import sys

from .cli import main

sys.exit(main())
