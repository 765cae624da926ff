"""What contract runs observed of the target's API, kept across runs and turned into a spec patch to review.

- :mod:`~jobticket_kit.evidence.store`: the evidence of one run and of many (counts, first and last
  seen, number of runs), kept apart for the vendor's API and for the twin the kit starts itself.
- :mod:`~jobticket_kit.evidence.walk`: one answer read against the spec, element by element.
- :mod:`~jobticket_kit.evidence.observer`: the request meter's evidence observer (every answer of a run).
- :mod:`~jobticket_kit.evidence.proposals`: the rules that turn accumulated evidence into proposed
  changes and contradictions for a human; :mod:`~jobticket_kit.evidence.overlay` writes them as an
  OpenAPI Overlay 1.0 document and a page for the reviewer.
- :mod:`~jobticket_kit.evidence.freshness`: when each element and open point was last seen on a real
  target, and what a run should spend its requests on first.

Only names, JSON types, counts and dates are kept, never a value, except the values of vocabulary
fields the spec marks ``x-personal: false`` that pass the privacy rule
(:func:`jobticket_kit.privacy.tokens.quotable_token`).
"""
