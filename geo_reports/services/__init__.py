"""Writes to reports. Every change is one transaction and leaves one timeline entry behind.

- intake.py: filing a report, the one submission path of every channel
- handling.py: staff's changes (status, re-route, replies and notes, assignment), with audit entries
- moderation.py: what the public reads (personal data masked on arrival, staff's redactions and
  reviews) and what it sees at all (hidden photos and reports)
- cohandling.py: reports copied to co-handling agencies (tembusan), by staff or by a routing rule
- reporter.py: the reporter's own actions (confirm, reopen, rate, erase the contact) and the public's "+1"
- contact.py: a reporter's contact taken off reports (by the reporter, a chat, or after the retention period)
- housekeeping.py: periodic jobs (overdue notices, closing resolved reports, old rate counters, old contacts)
- demo.py, bulk.py: demo data, and many generated reports for scale tests
- base.py: what these share (locking, tracking codes, the reporter's secret, storing photos)
"""
