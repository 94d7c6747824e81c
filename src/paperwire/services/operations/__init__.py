"""Operations: keeping the site running — the worker and its schedule (harvest → embed →
index, digests), status, the nightly integrity check, health, and copying a whole store.
May import: the shared modules, library, intake, mail, fieldmap, personal; the worker's jobs:
harvest and embed, the digest, the map, for-you lists made ahead."""
