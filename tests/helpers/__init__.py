"""What many tests share: the twin they run against (``twins``) and loopback servers (``loopback``).

The fixtures built on them (``twin``, ``twin_options``) live in the root ``tests/conftest.py``.
"""
