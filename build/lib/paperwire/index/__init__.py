"""Derived search structures, rebuildable from the store."""
