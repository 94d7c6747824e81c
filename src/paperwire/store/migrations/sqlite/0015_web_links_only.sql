-- depends: 0014_star_counts
-- Links stored before imports checked them (issue 21): a url or code_url that is not an
-- absolute http(s) address of at most 2,000 characters without spaces is dropped, as an
-- import now drops it. Pages already hid them, so nothing shown changes and no revision moves.
UPDATE papers SET url = NULL
WHERE url IS NOT NULL AND (
    (lower(substr(url, 1, 7)) <> 'http://' AND lower(substr(url, 1, 8)) <> 'https://')
    OR length(url) > 2000 OR url LIKE '% %');
UPDATE papers SET code_url = NULL
WHERE code_url IS NOT NULL AND (
    (lower(substr(code_url, 1, 7)) <> 'http://' AND lower(substr(code_url, 1, 8)) <> 'https://')
    OR length(code_url) > 2000 OR code_url LIKE '% %');
