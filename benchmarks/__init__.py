"""Benchmarks of the whole app at 100,000 cards and 1,000,000 reviews.

``python -m benchmarks`` (from the repository root) builds a synthetic collection
through the app's own storage code and measures each figure of issue 9 against a
baseline measured in the same run. See ``benchmarks/RESULTS.md``.
"""
