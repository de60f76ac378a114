"""``python -m newsframe.cli``: the same as the ``newsframe`` command."""
import sys

from newsframe.cli import main

sys.exit(main())
