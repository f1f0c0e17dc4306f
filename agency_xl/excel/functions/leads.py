"""Worksheet functions of the leads model."""
