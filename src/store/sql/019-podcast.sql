-- Podcasts, Watch and books (issue 16).
--
-- An episode's audio: its URL (a /media/ path or an absolute URL), the
-- byte size and MIME type a feed's <enclosure> must state, read from the
-- file (media/audio.c) when it was attached; an optional transcript
-- (WebVTT or SRT) and JSON chapters, each a URL.
ALTER TABLE episodes ADD COLUMN audio_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE episodes ADD COLUMN audio_mime TEXT NOT NULL DEFAULT '';
ALTER TABLE episodes ADD COLUMN transcript_url TEXT NOT NULL DEFAULT '';
ALTER TABLE episodes ADD COLUMN transcript_type TEXT NOT NULL DEFAULT '';
ALTER TABLE episodes ADD COLUMN chapters_url TEXT NOT NULL DEFAULT '';

-- A video post's video: a provider's page URL (checked against the
-- allow-list, core/video.c) or a /media/ path, the thumbnail shown before
-- the reader clicks (always one of ours) and its length.
CREATE TABLE videos (
	post_id INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
	url TEXT NOT NULL,
	poster_url TEXT NOT NULL DEFAULT '',
	duration_s INTEGER NOT NULL DEFAULT 0
);

-- A book's downloads, counted like views: per book, file and UTC day,
-- with the all-time total on the book; no address is stored.
CREATE TABLE book_downloads (
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	file TEXT NOT NULL CHECK (file IN ('epub', 'pdf')),
	day INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (post_id, file, day)
) WITHOUT ROWID;
ALTER TABLE books ADD COLUMN downloads INTEGER NOT NULL DEFAULT 0;
