"""`python -m micrograd` is the `micrograd` command."""

import sys

from micrograd.cli import main

sys.exit(main())
