-- PostgreSQL twin of ../018-media.sql (decision 094): the same columns,
-- indexes and names; SQLite's comments explain them.
ALTER TABLE media ADD COLUMN alt text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX media_sha256 ON media(sha256) WHERE sha256 != '';
ALTER TABLE posts ADD COLUMN featured_media_id bigint
	REFERENCES media(id) ON DELETE SET NULL;
