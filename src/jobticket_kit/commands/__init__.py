"""The subcommands of ``jobticket-kit``, one module each: they parse options and call their tool.

A subcommand module imports its tool when it runs, not when it is loaded, so ``jobticket-kit --help``
and every ``--help`` stay quick; the tool's logic stays in the tool's own module.
"""
