"""Worksheet functions of the seasonality model."""
