-- The rest of a reader's path (issue 12): indexes that answer in order
-- what was sorted or aggregated (store_reader_stmts; test_plans.c).

-- A post's threads, a page at a time: its approved top-level comments
-- oldest first, or (discussions) latest activity first, ties by id.
CREATE INDEX comments_roots ON comments(post_id, created_at)
	WHERE parent_id IS NULL AND status = 'approved';
CREATE INDEX comments_roots_active ON comments(post_id, activity_at DESC)
	WHERE parent_id IS NULL AND status = 'approved';

-- "Popular in the last N days" sums a window's buckets: with the count
-- in the index, the buckets themselves are never read.
DROP INDEX post_views_day;
CREATE INDEX post_views_window ON post_views(day, post_id, n);

-- Every page's navigation lists the sections in this order.
CREATE INDEX sections_position ON sections(position);
