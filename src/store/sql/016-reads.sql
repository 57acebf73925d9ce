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

-- A count that went up cannot have reached 0: only a decrease looks for
-- rows to delete (the guard is checked once, before any seek).  Writing
-- posts with the counts' triggers cost a third more CPU (the demo's
-- 20,000 posts); most of it was these deletes that found nothing.
DROP TRIGGER post_count_delta_apply;
CREATE TRIGGER post_count_delta_apply INSTEAD OF INSERT ON post_count_delta
BEGIN
	INSERT INTO post_counts(listing, type, key, span, start, n)
	VALUES (NEW.listing, NEW.type, NEW.key, 'month',
	        CAST(strftime('%s', NEW.t, 'unixepoch', 'start of month')
	             AS INTEGER), NEW.d),
	       (NEW.listing, NEW.type, NEW.key, 'day',
	        NEW.t - (NEW.t % 86400 + 86400) % 86400, NEW.d)
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	DELETE FROM post_counts WHERE NEW.d < 0 AND listing = NEW.listing
		AND type = NEW.type AND key = NEW.key AND span = 'month'
		AND start = CAST(strftime('%s', NEW.t, 'unixepoch',
		                          'start of month') AS INTEGER)
		AND n = 0;
	DELETE FROM post_counts WHERE NEW.d < 0 AND listing = NEW.listing
		AND type = NEW.type AND key = NEW.key AND span = 'day'
		AND start = NEW.t - (NEW.t % 86400 + 86400) % 86400 AND n = 0;
END;
