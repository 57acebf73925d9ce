-- The admin's editor (issue 5): revisions say which version of the post
-- they were saved as, and whether they were an autosave (kept one per
-- editor and post, replaced by the next, so typing for an hour does not
-- leave 180 of them); the admin's list of posts reads by type and author,
-- newest change first.

ALTER TABLE post_revisions ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE post_revisions ADD COLUMN autosave INTEGER NOT NULL DEFAULT 0;
CREATE INDEX post_revisions_post ON post_revisions(post_id, id);

CREATE INDEX posts_admin ON posts(type, author_id, updated_at);
CREATE INDEX posts_admin_updated ON posts(type, updated_at);
