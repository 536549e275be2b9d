"""Newsletters compiled from the record: past and upcoming sessions, opportunities, stories."""
