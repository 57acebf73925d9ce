-- PostgreSQL twin of ../016-reads.sql (decision 094); its comments
-- explain the indexes and the guard.
CREATE INDEX comments_roots ON comments(post_id, created_at)
	WHERE parent_id IS NULL AND status = 'approved';
CREATE INDEX comments_roots_active ON comments(post_id, activity_at DESC)
	WHERE parent_id IS NULL AND status = 'approved';

DROP INDEX post_views_day;
CREATE INDEX post_views_window ON post_views(day, post_id, n);

CREATE INDEX sections_position ON sections(position);

-- The trigger post_count_delta_apply stays; its function is made again.
CREATE OR REPLACE FUNCTION post_count_delta_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO post_counts AS c(listing, type, key, span, start, n)
	VALUES (NEW.listing, NEW.type, NEW.key, 'month',
	        gazette_month_start(NEW.t), NEW.d),
	       (NEW.listing, NEW.type, NEW.key, 'day',
	        NEW.t - (NEW.t % 86400 + 86400) % 86400, NEW.d)
	ON CONFLICT (listing, type, key, span, start)
	DO UPDATE SET n = c.n + excluded.n;
	IF NEW.d < 0 THEN
		DELETE FROM post_counts WHERE listing = NEW.listing
			AND type = NEW.type AND key = NEW.key AND span = 'month'
			AND start = gazette_month_start(NEW.t) AND n = 0;
		DELETE FROM post_counts WHERE listing = NEW.listing
			AND type = NEW.type AND key = NEW.key AND span = 'day'
			AND start = NEW.t - (NEW.t % 86400 + 86400) % 86400
			AND n = 0;
	END IF;
	RETURN NEW;
END $$;
