"""Screens of the study app."""
