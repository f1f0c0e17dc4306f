"""Worksheet functions of the referrals model."""
