"""Worksheet functions of the rate environment model."""
