"""``python -m jobticket``: the HR roster command line (:mod:`jobticket.roster`), as the console script.

An entry point, not part of the library: ``import jobticket`` never runs it, so the client still never
loads the roster application.
"""

from jobticket.roster._cli import main

raise SystemExit(main())
