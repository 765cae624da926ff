"""``python -m jobticket_twin``: see ``jobticket_twin.cli``."""

from jobticket_twin.cli import main

raise SystemExit(main())
