"""What many tests share: the twin they run against (``twins``), loopback servers (``loopback``) and
fresh virtual environments holding the client distribution (``virtualenvs``).

The fixtures built on them (``twin``, ``twin_options``, ``wheelhouse``) live in the root
``tests/conftest.py``.
"""
