"""The hostile corpus: malformed and hostile inputs for ``points``, and the checks they pass
(see README.md). ``python benchmarks/hostile/run.py`` runs it."""
