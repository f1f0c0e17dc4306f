"""Worksheet functions of the segments model."""
