"""The shapes of the reports API: inputs.py (what clients send), outputs.py (what the public and the
reporter read), staff.py (what agency staff read)."""
