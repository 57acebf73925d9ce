-- PostgreSQL twin of ../023-search-stem.sql (decision 094): nothing to
-- do.  SQLite makes posts_fts again with the gazette_stem tokenizer and
-- the language in its definition; on PostgreSQL posts_fts was made with
-- its language (the column lang, its default the index's) and stems by
-- 005, since no PostgreSQL database ever had 005 without this.  The file
-- exists so that both engines record the same migrations.
SELECT 1;
