-- PostgreSQL twin of ../002-activity.sql (decision 094).  SQLite's
-- scalar max() is greatest() here.
ALTER TABLE posts ADD COLUMN activity_at bigint NOT NULL DEFAULT 0;
UPDATE posts SET activity_at = greatest(published_at, updated_at,
	coalesce((SELECT max(created_at) FROM comments c
	          WHERE c.post_id = posts.id AND c.status = 'approved'), 0));
CREATE INDEX posts_activity ON posts(section_id, status, activity_at DESC);
