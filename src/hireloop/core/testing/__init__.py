"""Shared test helpers: factories, an API client, task running, a generic resource kit."""
