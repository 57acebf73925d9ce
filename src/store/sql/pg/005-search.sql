-- PostgreSQL twin of ../005-search.sql and ../023-search-stem.sql
-- (decision 094; issue 18 part 2).  Not FTS5: posts_fts is a table of
-- its own with the same columns (title, body, excerpt, tags, author),
-- keyed by `rowid` (the post's id, so the store's `WHERE rowid = ?` reads
-- the same on both engines), and a weighted tsvector made from them in a
-- generated column with a GIN index.  The triggers are SQLite's, with the
-- same names, as PL/pgSQL functions: no write path can forget the index.
--
-- The language (023 on SQLite, folded in here: no PostgreSQL database had
-- 005 without 023) is the column lang, as search_language_of() gives it
-- ("en", "ru", "pt"), a new row's from the language setting.  When the
-- setting changes the store sets every row's (one UPDATE, which makes
-- every document again, in the setting's transaction), and on open
-- makes any row whose lang is not the setting's again.
--
-- Each field is indexed twice, like gazette_stem does (decision 088):
-- its words as written ('simple': lower case, no stop words dropped) for
-- the reader's last word, a prefix, and their Snowball stems for whole
-- words.  Both after unaccent, which folds Latin accents and Ё to Е.
-- Weights: title A, tags B, excerpt and author C, body D (SQLite's bm25
-- weights are 10, 5, 2, 2 and 1).

-- Trusted since PostgreSQL 13: a database owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is STABLE (it reads its dictionary by name through the
-- search path); a generated column needs IMMUTABLE.  The body is SQL's
-- own (RETURN …), so the dictionary and the function are bound when this
-- is made, not looked up when a row is written (pg_restore runs with an
-- empty search path).
CREATE FUNCTION gazette_unaccent(t text) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN unaccent('unaccent'::regdictionary, t);

-- search_language_of()'s language → a text search configuration of
-- PostgreSQL 15 (Snowball stemmers); a language it has none for only
-- folds ('simple'), as gazette_stem does without a stemmer.
CREATE FUNCTION gazette_search_config(lang text) RETURNS regconfig
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN CASE lang
		WHEN 'ar' THEN 'arabic'::regconfig
		WHEN 'hy' THEN 'armenian'::regconfig
		WHEN 'eu' THEN 'basque'::regconfig
		WHEN 'ca' THEN 'catalan'::regconfig
		WHEN 'da' THEN 'danish'::regconfig
		WHEN 'nl' THEN 'dutch'::regconfig
		WHEN 'en' THEN 'english'::regconfig
		WHEN 'fi' THEN 'finnish'::regconfig
		WHEN 'fr' THEN 'french'::regconfig
		WHEN 'de' THEN 'german'::regconfig
		WHEN 'el' THEN 'greek'::regconfig
		WHEN 'hi' THEN 'hindi'::regconfig
		WHEN 'hu' THEN 'hungarian'::regconfig
		WHEN 'id' THEN 'indonesian'::regconfig
		WHEN 'ga' THEN 'irish'::regconfig
		WHEN 'it' THEN 'italian'::regconfig
		WHEN 'lt' THEN 'lithuanian'::regconfig
		WHEN 'ne' THEN 'nepali'::regconfig
		WHEN 'no' THEN 'norwegian'::regconfig
		WHEN 'nb' THEN 'norwegian'::regconfig
		WHEN 'nn' THEN 'norwegian'::regconfig
		WHEN 'pt' THEN 'portuguese'::regconfig
		WHEN 'ro' THEN 'romanian'::regconfig
		WHEN 'ru' THEN 'russian'::regconfig
		WHEN 'sr' THEN 'serbian'::regconfig
		WHEN 'es' THEN 'spanish'::regconfig
		WHEN 'sv' THEN 'swedish'::regconfig
		WHEN 'ta' THEN 'tamil'::regconfig
		WHEN 'tr' THEN 'turkish'::regconfig
		WHEN 'yi' THEN 'yiddish'::regconfig
		ELSE 'simple'::regconfig
	END;

-- search_language_of() (store_search.c) of the language setting: its
-- primary subtag in lower case when that is 2 to 8 letters, else "en".
-- test_pg_schema holds the two to the same answers.
CREATE FUNCTION gazette_search_language() RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN coalesce(lower(substring(
		(SELECT value FROM settings WHERE key = 'language')
		FROM '^([A-Za-z]{2,8})(?:[-_]|$)')), 'en');

-- One field's lexemes: the words as written and (a language with a
-- stemmer) their stems.
CREATE FUNCTION gazette_search_words(lang text, t text) RETURNS tsvector
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN gazette_search_config(lang) = 'simple'::regconfig
		THEN to_tsvector('simple'::regconfig,
		                 gazette_unaccent(coalesce(t, '')))
		ELSE to_tsvector('simple'::regconfig,
		                 gazette_unaccent(coalesce(t, '')))
		     || to_tsvector(gazette_search_config(lang),
		                    gazette_unaccent(coalesce(t, '')))
	END;

-- The document.  A tsvector holds at most 1 MB, and a post's source may
-- be 4 MB (LIM_POST_SRC_BYTES): only the first 65,536 characters of the
-- body (SEARCH_PG_BODY_CHARS) and 8,192 of each other field
-- (SEARCH_PG_FIELD_CHARS) are indexed, which keeps it under 1 MB
-- (test_pg_schema writes a post of 4 MB, far past both).  SQLite indexes all of
-- a body: a word past that far into a long post is found there only.
CREATE FUNCTION gazette_search_document(lang text, title text, body text,
	excerpt text, tags text, author text) RETURNS tsvector
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN setweight(gazette_search_words(lang, left(title, 8192)), 'A')
		|| setweight(gazette_search_words(lang, left(tags, 8192)), 'B')
		|| setweight(gazette_search_words(lang, left(excerpt, 8192))
		             || gazette_search_words(lang, left(author, 8192)),
		             'C')
		|| setweight(gazette_search_words(lang, left(body, 65536)), 'D');

CREATE TABLE posts_fts (
	rowid bigint PRIMARY KEY,
	title text,
	body text,
	excerpt text,
	tags text,
	author text,
	lang text NOT NULL DEFAULT gazette_search_language(),
	document tsvector GENERATED ALWAYS AS (gazette_search_document(lang,
		title, body, excerpt, tags, author)) STORED
);
CREATE INDEX posts_fts_document ON posts_fts USING gin (document);

INSERT INTO posts_fts(rowid, title, body, excerpt, tags, author)
SELECT p.id, p.title,
	CASE p.body_format WHEN 'html' THEN p.body_html ELSE p.body_src END,
	p.excerpt,
	coalesce((SELECT string_agg(t.name, ', ') FROM post_tags pt
	          JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id), ''),
	coalesce((SELECT coalesce(nullif(u.name, ''), u.login) FROM users u
	          WHERE u.id = p.author_id), '')
FROM posts p;

CREATE INDEX posts_search ON posts(id, status, published_at, section_id,
	author_id);

CREATE FUNCTION posts_fts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO posts_fts(rowid, title, body, excerpt, tags, author)
	VALUES (NEW.id, NEW.title,
		CASE NEW.body_format WHEN 'html' THEN NEW.body_html
		ELSE NEW.body_src END,
		NEW.excerpt,
		coalesce((SELECT string_agg(t.name, ', ') FROM post_tags pt
		          JOIN tags t ON t.id = pt.tag_id
		          WHERE pt.post_id = NEW.id), ''),
		coalesce((SELECT coalesce(nullif(u.name, ''), u.login)
		          FROM users u WHERE u.id = NEW.author_id), ''));
	RETURN NULL;
END $$;
CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts
	FOR EACH ROW EXECUTE FUNCTION posts_fts_insert();

CREATE FUNCTION posts_fts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE posts_fts SET title = NEW.title, excerpt = NEW.excerpt,
		author = coalesce((SELECT coalesce(nullif(u.name, ''), u.login)
		                   FROM users u WHERE u.id = NEW.author_id), '')
	WHERE rowid = NEW.id;
	RETURN NULL;
END $$;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, excerpt, author_id
	ON posts FOR EACH ROW EXECUTE FUNCTION posts_fts_update();

CREATE FUNCTION posts_fts_body() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE posts_fts SET body = CASE NEW.body_format
		WHEN 'html' THEN NEW.body_html ELSE NEW.body_src END
	WHERE rowid = NEW.id;
	RETURN NULL;
END $$;
CREATE TRIGGER posts_fts_body AFTER UPDATE OF body_src, body_html, body_format
	ON posts FOR EACH ROW EXECUTE FUNCTION posts_fts_body();

CREATE FUNCTION posts_fts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM posts_fts WHERE rowid = OLD.id;
	RETURN NULL;
END $$;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts
	FOR EACH ROW EXECUTE FUNCTION posts_fts_delete();

CREATE FUNCTION post_tags_fts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE posts_fts SET tags = coalesce((SELECT string_agg(t.name, ', ')
		FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
		WHERE pt.post_id = NEW.post_id), '')
	WHERE rowid = NEW.post_id;
	RETURN NULL;
END $$;
CREATE TRIGGER post_tags_fts_insert AFTER INSERT ON post_tags
	FOR EACH ROW EXECUTE FUNCTION post_tags_fts_insert();

CREATE FUNCTION post_tags_fts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE posts_fts SET tags = coalesce((SELECT string_agg(t.name, ', ')
		FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
		WHERE pt.post_id = OLD.post_id), '')
	WHERE rowid = OLD.post_id;
	RETURN NULL;
END $$;
CREATE TRIGGER post_tags_fts_delete AFTER DELETE ON post_tags
	FOR EACH ROW EXECUTE FUNCTION post_tags_fts_delete();

CREATE FUNCTION tags_fts_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE posts_fts SET tags = coalesce((SELECT string_agg(t.name, ', ')
		FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
		WHERE pt.post_id = posts_fts.rowid), '')
	WHERE rowid IN (SELECT post_id FROM post_tags WHERE tag_id = NEW.id);
	RETURN NULL;
END $$;
CREATE TRIGGER tags_fts_rename AFTER UPDATE OF name ON tags
	FOR EACH ROW EXECUTE FUNCTION tags_fts_rename();

CREATE FUNCTION users_fts_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE posts_fts SET author = coalesce(nullif(NEW.name, ''), NEW.login)
	WHERE rowid IN (SELECT id FROM posts WHERE author_id = NEW.id);
	RETURN NULL;
END $$;
CREATE TRIGGER users_fts_rename AFTER UPDATE OF name, login ON users
	FOR EACH ROW EXECUTE FUNCTION users_fts_rename();
