#!/usr/bin/env python3
"""Command-line entry: ``python run.py {run,check,schema} ...`` (see ``--help``)."""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
