"""Recorded cassettes of every operation, so downstream teams and CI can test without any network.

``record`` (``scripts/record-cassettes``) records the scenario set from the twin or staging, ``scrub``
removes credentials and personal data before anything is written, ``scan`` proves none is left in the
committed files, and ``drift`` validates every recorded response against the pinned spec.
"""
