"""Hireloop: self-hosted, AI-assisted applicant tracking."""

__version__ = "0.1.0"
