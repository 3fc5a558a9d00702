"""The project's settings, URLs (each app's included by name), WSGI entry and health check.

Imports no app module (checked by .importlinter): apps register what they add (error formats,
periodic jobs, event receivers) in their own AppConfig.ready()."""
