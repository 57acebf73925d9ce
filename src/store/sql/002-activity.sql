-- The latest activity on a post: its publication, an update, or its newest
-- approved comment.  Discussion sections sort by it, and it is the post
-- page's Last-Modified, so a new comment changes the page's validators.
ALTER TABLE posts ADD COLUMN activity_at INTEGER NOT NULL DEFAULT 0;
UPDATE posts SET activity_at = max(published_at, updated_at,
	coalesce((SELECT max(created_at) FROM comments c
	          WHERE c.post_id = posts.id AND c.status = 'approved'), 0));
CREATE INDEX posts_activity ON posts(section_id, status, activity_at DESC);
