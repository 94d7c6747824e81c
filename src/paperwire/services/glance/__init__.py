"""Glance: what is in each paper at a glance — keyphrases and a one-line gist made with the
bundled model, the code, project page and venue its text names, and what a card shows.
May import: the shared modules and library; intake (which makes them at embed time) and
discovery (which shows them) both import this package, so it imports neither."""
