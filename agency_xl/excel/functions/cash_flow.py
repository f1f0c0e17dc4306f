"""Worksheet functions of the cash flow model."""
