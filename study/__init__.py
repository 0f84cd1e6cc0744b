"""study: spaced repetition in the terminal, for clinicians and medical students."""

__version__ = "0.1.0"
