-- PostgreSQL twin of 024-video-thumbs.sql: a provider's thumbnail fetched
-- in the background (issue 16, decision 093), the mark and the reason in
-- the video's row.
ALTER TABLE videos ADD COLUMN thumb_pending bigint NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN thumb_error text NOT NULL DEFAULT '';
CREATE INDEX videos_thumb_pending ON videos(post_id) WHERE thumb_pending = 1;
