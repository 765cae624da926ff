"""Global schemathesis hooks for CLI runs (``SCHEMATHESIS_HOOKS=jobticket_kit.contract.schemathesis_hooks``).

Importing this module registers the hooks for every schema in the process; Python code should use
the schema-scoped form (``schema.hook("filter_query")(drop_disguised_id_lists)``) instead.
"""

from __future__ import annotations

import schemathesis

from jobticket_kit.contract.fuzz_filters import drop_disguised_id_lists

schemathesis.hook("filter_query")(drop_disguised_id_lists)
