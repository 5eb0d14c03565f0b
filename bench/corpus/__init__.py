"""A corpus of real document revisions (old release -> new release) for plenary's text engine.

`python -m bench.corpus.build` rebuilds `tests/data/corpus/` from pinned package releases;
`python -m bench.corpus.build --check` verifies the committed corpus without network.
"""
