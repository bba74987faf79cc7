"""Entities: resolution across datasets, profiles and the relationship graph (一人一档)."""
