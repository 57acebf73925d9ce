-- Search follows the site's language (decision 088): posts_fts is made
-- with gazette_stem (store_search_stem.c), unicode61 with Ё folded to Е
-- and each word stemmed by the Snowball stemmer of the language setting.
--
-- The tokenizer's language is written into the table's definition, and
-- the store makes the table again, with every post's text as readers see
-- it (html_to_text, which SQL cannot do), whenever that differs from the
-- language setting: when the setting changes, and on the first open after
-- this migration, which leaves the table empty and without a language
-- for that.  The triggers of migration 005 name the table, not its
-- tokenizer, and carry on.
DROP TABLE IF EXISTS posts_fts;
CREATE VIRTUAL TABLE posts_fts USING fts5(
	title, body, excerpt, tags, author,
	tokenize = 'gazette_stem'
);
