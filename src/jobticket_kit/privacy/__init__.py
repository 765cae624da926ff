"""The kit's privacy core: personal data found, replaced and checked for the same way everywhere.

Contract reports, cassette scrubbing and the cassette scan all rest on these modules, one job each:

- :mod:`~jobticket_kit.privacy.walk`: the one walk of JSON documents, JSON held in strings included.
- :mod:`~jobticket_kit.privacy.redact`: the reports' :class:`~jobticket_kit.privacy.redact.Redactor`,
  which learns the personal values a run sees and replaces them in anything it writes.
- :mod:`~jobticket_kit.privacy.fake`: consistent, irreversible fakes for recordings.
- :mod:`~jobticket_kit.privacy.scan`: what must never be committed, by the scan's own rules.

Which fields hold no personal data is the spec's word (``x-personal: false``), read by
:mod:`jobticket_kit.spec.personal`.
"""
