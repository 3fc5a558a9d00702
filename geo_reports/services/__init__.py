"""Writes to reports. Every change is one transaction and leaves one timeline entry behind.

- intake.py: filing a report, the one submission path of every channel
- handling.py: staff's changes (status, re-route, replies and notes, assignment), with audit entries
- reporter.py: the reporter's own actions (confirm, reopen, rate) and the public's "+1"
- housekeeping.py: periodic jobs (overdue notices, closing resolved reports, old rate counters)
- demo.py, bulk.py: demo data, and many generated reports for scale tests
- base.py: what these share (locking, tracking codes, the reporter's secret, storing photos)
"""
