"""Personal: one reader's own site — for you and its taste model, the candidate papers it
ranks, their signals (not interested, seen, follows, their library, notes) and exports.
May import: the shared modules; not library, which holds this package's candidate pool."""
