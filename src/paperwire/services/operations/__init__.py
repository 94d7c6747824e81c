"""Operations: keeping the site running — the worker and its schedule (harvest → embed →
index, digests), status, the nightly integrity check, health, and copying a whole store.
May import: the shared modules, library, intake (the jobs), mail (the digest job) and fieldmap
(the map job)."""
