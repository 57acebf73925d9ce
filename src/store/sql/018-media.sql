-- The media library (issue 16).  Uploads are stored content-addressed:
-- sha256 is the hex SHA-256 of the uploaded bytes, unique among uploads
-- (imported rows before this keep ''), so the same file added twice is one
-- row.  alt: the text an <img> carries.  A post's featured image is used in
-- lists, on its page and as og:image.
ALTER TABLE media ADD COLUMN alt TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX media_sha256 ON media(sha256) WHERE sha256 != '';
ALTER TABLE posts ADD COLUMN featured_media_id INTEGER
	REFERENCES media(id) ON DELETE SET NULL;
