"""Tooling of the JobTicket+ client and contract-test kit: targets, safety rules, spec handling."""
