"""Writes to the districts app: boundaries, reference data, asset layers."""
