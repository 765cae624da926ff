"""``python -m jobticket_kit``: the same command line as the ``jobticket-kit`` console script."""

from jobticket_kit.cli import main

raise SystemExit(main())
