-- PostgreSQL twin of ../008-revisions.sql (decision 094): the same columns,
-- indexes and names; SQLite's comments explain them.

ALTER TABLE post_revisions ADD COLUMN version bigint NOT NULL DEFAULT 0;
ALTER TABLE post_revisions ADD COLUMN autosave bigint NOT NULL DEFAULT 0;
CREATE INDEX post_revisions_post ON post_revisions(post_id, id);

CREATE INDEX posts_admin ON posts(type, author_id, updated_at);
CREATE INDEX posts_admin_updated ON posts(type, updated_at);
