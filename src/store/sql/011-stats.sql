-- The dashboard of an author or contributor lists their own posts with
-- their views: without this index, every such dashboard scans all posts.
-- (IF NOT EXISTS: the posts admin may add the same index under this name.)
CREATE INDEX IF NOT EXISTS posts_author ON posts(author_id, published_at DESC);
