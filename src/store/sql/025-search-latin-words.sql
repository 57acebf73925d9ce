-- Nothing to change on SQLite: the search tokenizer (decision 088) stems a
-- word with the language's Snowball stemmer alone, which leaves words of
-- another script as written.  The PostgreSQL twin of this migration makes
-- PostgreSQL do the same for Russian and Hindi (decision 096); the number
-- is shared so both engines record the same history.
SELECT 1;
