-- A provider's thumbnail fetched in the background (issue 16, decision
-- 093): the admin's editor and JSON API attach a provider's video at
-- once and mark it pending; the server's fetch thread (core/river.c)
-- takes pending videos in turn, stores the thumbnail as the poster or
-- the reason it could not (shown in the editor), and clears the mark.
-- The mark lives in the row, so a fetch pending when the server stops is
-- taken up when it starts again.
ALTER TABLE videos ADD COLUMN thumb_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN thumb_error TEXT NOT NULL DEFAULT '';
CREATE INDEX videos_thumb_pending ON videos(post_id) WHERE thumb_pending = 1;
