"""Assisted coding: coding sheets, agreement statistics and a learner trained on human codes."""
