-- PostgreSQL twin of ../019-podcast.sql (decision 094): the same columns,
-- indexes and names; SQLite's comments explain them.
ALTER TABLE episodes ADD COLUMN audio_bytes bigint NOT NULL DEFAULT 0;
ALTER TABLE episodes ADD COLUMN audio_mime text NOT NULL DEFAULT '';
ALTER TABLE episodes ADD COLUMN transcript_url text NOT NULL DEFAULT '';
ALTER TABLE episodes ADD COLUMN transcript_type text NOT NULL DEFAULT '';
ALTER TABLE episodes ADD COLUMN chapters_url text NOT NULL DEFAULT '';

CREATE TABLE videos (
	post_id bigint PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
	url text NOT NULL,
	poster_url text NOT NULL DEFAULT '',
	duration_s bigint NOT NULL DEFAULT 0
);

CREATE TABLE book_downloads (
	post_id bigint NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	file text NOT NULL CHECK (file IN ('epub', 'pdf')),
	day bigint NOT NULL,
	n bigint NOT NULL,
	PRIMARY KEY (post_id, file, day)
);
ALTER TABLE books ADD COLUMN downloads bigint NOT NULL DEFAULT 0;
