"""The distribution's own version, which the wheel, the sdist and the User-Agent carry.

Semantic versioning for code using the distribution: a major bump whenever such code must change,
whatever moved (the client, or the API description ``jobticket_api`` is generated from, whose version is
``jobticket_api.__version__``). Hatch reads this line (``[tool.hatch.version]``); a release bumps it and
dates its heading in ``CHANGELOG.md`` (a test compares the two).
"""

__version__ = "2.0.0"
