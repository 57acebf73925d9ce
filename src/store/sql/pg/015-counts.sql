-- PostgreSQL twin of ../015-counts.sql (decision 094): post_counts, the
-- views and the triggers that keep the lists' counts, with SQLite's names;
-- its comments explain them.  A trigger is a PL/pgSQL function of the
-- trigger's name and a CREATE TRIGGER; SQLite's `a IS NOT b` is `a IS
-- DISTINCT FROM b`.  post_count_delta stays a view with an INSTEAD OF
-- trigger, which PostgreSQL has too, so the posts' and post_tags'
-- triggers say which lists a change touches exactly as on SQLite.

-- The first second of t's UTC month: SQLite's strftime('%s', t,
-- 'unixepoch', 'start of month').  Every function in it is immutable.
CREATE FUNCTION gazette_month_start(t bigint) RETURNS bigint
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN extract(epoch FROM date_trunc('month',
		to_timestamp(t) AT TIME ZONE 'UTC'))::bigint;

CREATE TABLE post_counts (
	listing text NOT NULL,
	type text NOT NULL,
	key bigint NOT NULL,
	span text NOT NULL,
	start bigint NOT NULL,
	n bigint NOT NULL,
	PRIMARY KEY (listing, type, key, span, start)
);

ALTER TABLE post_tags ADD COLUMN listed_at bigint;
CREATE INDEX post_tags_listed ON post_tags(tag_id, listed_at)
	WHERE listed_at IS NOT NULL;

CREATE INDEX posts_section_listed ON posts(section_id, type, published_at)
	WHERE status = 'published' AND password = '';
CREATE INDEX posts_section_active ON posts(section_id, type, activity_at)
	WHERE status = 'published' AND password = '';
CREATE INDEX posts_sticky ON posts(type, published_at)
	WHERE sticky != 0 AND status = 'published' AND password = '';

CREATE VIEW post_counts_recount AS
SELECT listing, type, key, span,
	CASE span WHEN 'month' THEN gazette_month_start(t)
	ELSE t - (t % 86400 + 86400) % 86400 END AS start, count(*) AS n
FROM (SELECT 'all'::text AS listing, type, 0::bigint AS key,
		published_at AS t
	FROM posts WHERE status = 'published' AND password = ''
	UNION ALL SELECT 'section', type, section_id, published_at FROM posts
	WHERE status = 'published' AND password = '' AND section_id IS NOT NULL
	UNION ALL SELECT 'activity', type, section_id, activity_at FROM posts
	WHERE status = 'published' AND password = '' AND section_id IS NOT NULL
	UNION ALL SELECT 'tag', 'post', pt.tag_id, p.published_at
	FROM post_tags pt JOIN posts p ON p.id = pt.post_id
	WHERE p.type = 'post' AND p.status = 'published' AND p.password = '')
	AS l
CROSS JOIN (SELECT 'month'::text AS span UNION ALL SELECT 'day') AS s
GROUP BY listing, type, key, span, start;

UPDATE post_tags SET listed_at = (SELECT p.published_at FROM posts p
	WHERE p.id = post_tags.post_id AND p.type = 'post'
	AND p.status = 'published' AND p.password = '');
INSERT INTO post_counts(listing, type, key, span, start, n)
SELECT listing, type, key, span, start, n FROM post_counts_recount;

CREATE VIEW post_count_delta AS
	SELECT ''::text AS listing, ''::text AS type, 0::bigint AS key,
		0::bigint AS t, 0::bigint AS d WHERE false;

-- As 015 made it; 016 makes it again with its guard.
CREATE FUNCTION post_count_delta_apply() RETURNS trigger LANGUAGE plpgsql
AS $$
BEGIN
	INSERT INTO post_counts AS c(listing, type, key, span, start, n)
	VALUES (NEW.listing, NEW.type, NEW.key, 'month',
	        gazette_month_start(NEW.t), NEW.d),
	       (NEW.listing, NEW.type, NEW.key, 'day',
	        NEW.t - (NEW.t % 86400 + 86400) % 86400, NEW.d)
	ON CONFLICT (listing, type, key, span, start)
	DO UPDATE SET n = c.n + excluded.n;
	DELETE FROM post_counts WHERE listing = NEW.listing
		AND type = NEW.type AND key = NEW.key AND span = 'month'
		AND start = gazette_month_start(NEW.t) AND n = 0;
	DELETE FROM post_counts WHERE listing = NEW.listing
		AND type = NEW.type AND key = NEW.key AND span = 'day'
		AND start = NEW.t - (NEW.t % 86400 + 86400) % 86400 AND n = 0;
	RETURN NEW;
END $$;
CREATE TRIGGER post_count_delta_apply INSTEAD OF INSERT ON post_count_delta
	FOR EACH ROW EXECUTE FUNCTION post_count_delta_apply();

CREATE FUNCTION posts_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO post_count_delta(listing, type, key, t, d)
	SELECT 'all', NEW.type, 0, NEW.published_at, 1
	UNION ALL SELECT 'section', NEW.type, NEW.section_id, NEW.published_at, 1
	WHERE NEW.section_id IS NOT NULL
	UNION ALL SELECT 'activity', NEW.type, NEW.section_id, NEW.activity_at, 1
	WHERE NEW.section_id IS NOT NULL;
	RETURN NULL;
END $$;
CREATE TRIGGER posts_counts_insert AFTER INSERT ON posts FOR EACH ROW
	WHEN (NEW.status = 'published' AND NEW.password = '')
	EXECUTE FUNCTION posts_counts_insert();

CREATE FUNCTION posts_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO post_count_delta(listing, type, key, t, d)
	SELECT 'all', OLD.type, 0, OLD.published_at, -1
	WHERE OLD.status = 'published' AND OLD.password = ''
	UNION ALL SELECT 'section', OLD.type, OLD.section_id, OLD.published_at, -1
	WHERE OLD.status = 'published' AND OLD.password = ''
		AND OLD.section_id IS NOT NULL
	UNION ALL SELECT 'activity', OLD.type, OLD.section_id, OLD.activity_at, -1
	WHERE OLD.status = 'published' AND OLD.password = ''
		AND OLD.section_id IS NOT NULL
	UNION ALL SELECT 'all', NEW.type, 0, NEW.published_at, 1
	WHERE NEW.status = 'published' AND NEW.password = ''
	UNION ALL SELECT 'section', NEW.type, NEW.section_id, NEW.published_at, 1
	WHERE NEW.status = 'published' AND NEW.password = ''
		AND NEW.section_id IS NOT NULL
	UNION ALL SELECT 'activity', NEW.type, NEW.section_id, NEW.activity_at, 1
	WHERE NEW.status = 'published' AND NEW.password = ''
		AND NEW.section_id IS NOT NULL;
	RETURN NULL;
END $$;
CREATE TRIGGER posts_counts_update AFTER UPDATE OF type, status, password,
	section_id, published_at, activity_at ON posts FOR EACH ROW
WHEN (((OLD.status = 'published' AND OLD.password = '')
       OR (NEW.status = 'published' AND NEW.password = ''))
	AND (OLD.type IS DISTINCT FROM NEW.type
	     OR OLD.status IS DISTINCT FROM NEW.status
	     OR OLD.password IS DISTINCT FROM NEW.password
	     OR OLD.section_id IS DISTINCT FROM NEW.section_id
	     OR OLD.published_at - (OLD.published_at % 86400 + 86400) % 86400
	        != NEW.published_at - (NEW.published_at % 86400 + 86400) % 86400
	     OR OLD.activity_at - (OLD.activity_at % 86400 + 86400) % 86400
	        != NEW.activity_at - (NEW.activity_at % 86400 + 86400) % 86400))
EXECUTE FUNCTION posts_counts_update();

CREATE FUNCTION posts_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO post_count_delta(listing, type, key, t, d)
	SELECT 'all', OLD.type, 0, OLD.published_at, -1
	WHERE OLD.status = 'published' AND OLD.password = ''
	UNION ALL SELECT 'section', OLD.type, OLD.section_id, OLD.published_at, -1
	WHERE OLD.status = 'published' AND OLD.password = ''
		AND OLD.section_id IS NOT NULL
	UNION ALL SELECT 'activity', OLD.type, OLD.section_id, OLD.activity_at, -1
	WHERE OLD.status = 'published' AND OLD.password = ''
		AND OLD.section_id IS NOT NULL;
	UPDATE post_tags SET listed_at = NULL
	WHERE post_id = OLD.id AND listed_at IS NOT NULL;
	RETURN NULL;
END $$;
CREATE TRIGGER posts_counts_delete AFTER DELETE ON posts
	FOR EACH ROW EXECUTE FUNCTION posts_counts_delete();

CREATE FUNCTION posts_tags_listed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE post_tags SET listed_at = CASE WHEN NEW.type = 'post'
		AND NEW.status = 'published' AND NEW.password = ''
		THEN NEW.published_at END
	WHERE post_id = NEW.id AND listed_at IS DISTINCT FROM CASE
		WHEN NEW.type = 'post' AND NEW.status = 'published'
		AND NEW.password = '' THEN NEW.published_at END;
	RETURN NULL;
END $$;
CREATE TRIGGER posts_tags_listed AFTER UPDATE OF type, status, password,
	published_at ON posts FOR EACH ROW
WHEN (OLD.type IS DISTINCT FROM NEW.type
	OR OLD.status IS DISTINCT FROM NEW.status
	OR OLD.password IS DISTINCT FROM NEW.password
	OR OLD.published_at IS DISTINCT FROM NEW.published_at)
EXECUTE FUNCTION posts_tags_listed();

CREATE FUNCTION post_tags_listed_insert() RETURNS trigger LANGUAGE plpgsql
AS $$
BEGIN
	UPDATE post_tags SET listed_at = (SELECT p.published_at FROM posts p
		WHERE p.id = NEW.post_id AND p.type = 'post'
		AND p.status = 'published' AND p.password = '')
	WHERE post_id = NEW.post_id AND tag_id = NEW.tag_id;
	RETURN NULL;
END $$;
CREATE TRIGGER post_tags_listed_insert AFTER INSERT ON post_tags
	FOR EACH ROW EXECUTE FUNCTION post_tags_listed_insert();

CREATE FUNCTION post_tags_counts_update() RETURNS trigger LANGUAGE plpgsql
AS $$
BEGIN
	INSERT INTO post_count_delta(listing, type, key, t, d)
	SELECT 'tag', 'post', OLD.tag_id, OLD.listed_at, -1
	WHERE OLD.listed_at IS NOT NULL
	UNION ALL SELECT 'tag', 'post', NEW.tag_id, NEW.listed_at, 1
	WHERE NEW.listed_at IS NOT NULL;
	RETURN NULL;
END $$;
CREATE TRIGGER post_tags_counts_update AFTER UPDATE OF tag_id, listed_at
	ON post_tags FOR EACH ROW
WHEN (OLD.listed_at IS DISTINCT FROM NEW.listed_at
	OR OLD.tag_id IS DISTINCT FROM NEW.tag_id)
EXECUTE FUNCTION post_tags_counts_update();

CREATE FUNCTION post_tags_counts_delete() RETURNS trigger LANGUAGE plpgsql
AS $$
BEGIN
	INSERT INTO post_count_delta(listing, type, key, t, d)
	VALUES ('tag', 'post', OLD.tag_id, OLD.listed_at, -1);
	RETURN NULL;
END $$;
CREATE TRIGGER post_tags_counts_delete AFTER DELETE ON post_tags FOR EACH ROW
	WHEN (OLD.listed_at IS NOT NULL)
	EXECUTE FUNCTION post_tags_counts_delete();
