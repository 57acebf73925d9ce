-- Every article fast at 100,000 posts (issue 12).
--
-- The posts a reader can list: published and without a password (the
-- LISTED filter of store_posts.c, less its published_at <= now), by type
-- and date.  The rowid ends every index, so a backward walk of this one
-- gives published_at DESC, id DESC, the order of every list, and a post's
-- previous and next are one seek each.  posts_listing (001) orders its
-- published_at DESC before an ascending rowid, so "newest first, ties by
-- id" sorted every older post in a temporary b-tree: store_post_neighbors
-- was 69% of the CPU of a 20,000-post site under article traffic.
-- Partial, so protected, draft and scheduled posts are never walked past.
CREATE INDEX posts_listed ON posts(type, published_at)
	WHERE status = 'published' AND password = '';
