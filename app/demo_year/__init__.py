"""The WGIG's year (November 2004 - July 2005) replayed through the public API: the demo
room of `plenary serve --demo`, `plenary demo build --to DATE`, and a test of the whole
process (tests/demo/test_year.py). See runner.py."""
