-- depends: 0005_api_tokens
-- A comment its author edited shows when (and that it was).
ALTER TABLE comments ADD COLUMN edited_at TEXT;
