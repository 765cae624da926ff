"""``python -m jobticket``: the HR roster command line (see ``jobticket._cli``)."""

from jobticket._cli import main

raise SystemExit(main())
