"""Pieces every app shares, and nothing about the city: the one error model and the interfaces'
error formats, the middleware, request parsing (JSON, GeoJSON geometry, bbox, comma lists, text),
pagination of GeoJSON, GeoJSON built by PostgreSQL, and the registry of periodic jobs.

Imports no app of the project (checked by the import contracts in .importlinter)."""
