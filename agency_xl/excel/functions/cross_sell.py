"""Worksheet functions of the cross sell model."""
