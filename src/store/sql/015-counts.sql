-- Lists that do not grow with the site (issue 12): how many listed posts
-- each list has per UTC month and per UTC day, kept by triggers, so a
-- list's total is a sum over its months and page N is found by walking
-- months, then the days of one month, then at most one day's posts
-- (store_posts.c, "pages of a list").  Deep /page/N/ links cost about
-- what page 2 costs, and nothing counts the posts of a list any more.
--
-- A post is listed when it is published and has no password; a list shows
-- the listed posts of one type that are due (published_at <= now), and
-- the counts cannot know "now": a published post with a future date (the
-- scheduler publishes scheduled posts when due, so only an import or a
-- clock set back makes one) is counted here and taken off by the reader,
-- who finds such posts by an index range after now.
--
-- listing: 'all' (every listed post of the type, by published_at),
-- 'section' (key: section id, by published_at), 'activity' (key: section
-- id, by activity_at: discussion sections), 'tag' (key: tag id, posts of
-- type 'post' only, by published_at).  span: 'month' or 'day'; start: the
-- first second of that UTC month or day.  A row with n = 0 is deleted,
-- so the table is exactly what a recount gives.
CREATE TABLE post_counts (
	listing TEXT NOT NULL,
	type TEXT NOT NULL,
	key INTEGER NOT NULL,
	span TEXT NOT NULL,
	start INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (listing, type, key, span, start)
) WITHOUT ROWID;

-- The tag lists' order: a tag's posts by date, from post_tags alone.
-- listed_at is the post's published_at while the post is a listed post
-- (type 'post'), else NULL; triggers keep it.
ALTER TABLE post_tags ADD COLUMN listed_at INTEGER;
CREATE INDEX post_tags_listed ON post_tags(tag_id, listed_at)
	WHERE listed_at IS NOT NULL;

-- The other lists' orders, as posts_listed (014) is the type's: the rowid
-- ends each, so a backward walk is newest first with ties by id.
CREATE INDEX posts_section_listed ON posts(section_id, type, published_at)
	WHERE status = 'published' AND password = '';
CREATE INDEX posts_section_active ON posts(section_id, type, activity_at)
	WHERE status = 'published' AND password = '';
-- Sticky posts open the front page; the few there are, by date.
CREATE INDEX posts_sticky ON posts(type, published_at)
	WHERE sticky != 0 AND status = 'published' AND password = '';

-- What the counts must be, from the posts themselves: the migration fills
-- post_counts from it, and the tests hold the triggers to it.
CREATE VIEW post_counts_recount AS
SELECT listing, type, key, span,
	CASE span WHEN 'month'
	THEN CAST(strftime('%s', t, 'unixepoch', 'start of month') AS INTEGER)
	ELSE t - (t % 86400 + 86400) % 86400 END AS start, count(*) AS n
FROM (SELECT 'all' AS listing, type, 0 AS key, published_at AS t
	FROM posts WHERE status = 'published' AND password = ''
	UNION ALL SELECT 'section', type, section_id, published_at FROM posts
	WHERE status = 'published' AND password = '' AND section_id IS NOT NULL
	UNION ALL SELECT 'activity', type, section_id, activity_at FROM posts
	WHERE status = 'published' AND password = '' AND section_id IS NOT NULL
	UNION ALL SELECT 'tag', 'post', pt.tag_id, p.published_at
	FROM post_tags pt JOIN posts p ON p.id = pt.post_id
	WHERE p.type = 'post' AND p.status = 'published' AND p.password = '')
CROSS JOIN (SELECT 'month' AS span UNION ALL SELECT 'day')
GROUP BY listing, type, key, span, start;

-- The site as it is, before the triggers that keep it so.
UPDATE post_tags SET listed_at = (SELECT p.published_at FROM posts p
	WHERE p.id = post_tags.post_id AND p.type = 'post'
	AND p.status = 'published' AND p.password = '');
INSERT INTO post_counts(listing, type, key, span, start, n)
SELECT listing, type, key, span, start, n FROM post_counts_recount;

-- One change of a count: d (+1 or -1) for the post at time t in a list.
-- Inserting here adds d to that month's and that day's rows; the posts'
-- and post_tags' triggers below say which lists a change touches.
CREATE VIEW post_count_delta AS
	SELECT '' AS listing, '' AS type, 0 AS key, 0 AS t, 0 AS d WHERE 0;

CREATE TRIGGER post_count_delta_apply INSTEAD OF INSERT ON post_count_delta
BEGIN
	INSERT INTO post_counts(listing, type, key, span, start, n)
	VALUES (NEW.listing, NEW.type, NEW.key, 'month',
	        CAST(strftime('%s', NEW.t, 'unixepoch', 'start of month')
	             AS INTEGER), NEW.d),
	       (NEW.listing, NEW.type, NEW.key, 'day',
	        NEW.t - (NEW.t % 86400 + 86400) % 86400, NEW.d)
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	DELETE FROM post_counts WHERE listing = NEW.listing
		AND type = NEW.type AND key = NEW.key AND span = 'month'
		AND start = CAST(strftime('%s', NEW.t, 'unixepoch',
		                          'start of month') AS INTEGER)
		AND n = 0;
	DELETE FROM post_counts WHERE listing = NEW.listing
		AND type = NEW.type AND key = NEW.key AND span = 'day'
		AND start = NEW.t - (NEW.t % 86400 + 86400) % 86400 AND n = 0;
END;

CREATE TRIGGER posts_counts_insert AFTER INSERT ON posts
WHEN NEW.status = 'published' AND NEW.password = ''
BEGIN
	INSERT INTO post_count_delta(listing, type, key, t, d)
	SELECT 'all', NEW.type, 0, NEW.published_at, 1
	UNION ALL SELECT 'section', NEW.type, NEW.section_id, NEW.published_at, 1
	WHERE NEW.section_id IS NOT NULL
	UNION ALL SELECT 'activity', NEW.type, NEW.section_id, NEW.activity_at, 1
	WHERE NEW.section_id IS NOT NULL;
END;

-- Only a change that moves a post between lists or between days counts;
-- a new comment (activity_at) mostly stays within its day.
CREATE TRIGGER posts_counts_update AFTER UPDATE OF type, status, password,
	section_id, published_at, activity_at ON posts
WHEN ((OLD.status = 'published' AND OLD.password = '')
      OR (NEW.status = 'published' AND NEW.password = ''))
	AND (OLD.type IS NOT NEW.type OR OLD.status IS NOT NEW.status
	     OR OLD.password IS NOT NEW.password
	     OR OLD.section_id IS NOT NEW.section_id
	     OR OLD.published_at - (OLD.published_at % 86400 + 86400) % 86400
	        != NEW.published_at - (NEW.published_at % 86400 + 86400) % 86400
	     OR OLD.activity_at - (OLD.activity_at % 86400 + 86400) % 86400
	        != NEW.activity_at - (NEW.activity_at % 86400 + 86400) % 86400)
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
END;

-- A deleted post's tags go by its foreign keys (post_tags_counts_delete);
-- clearing listed_at first counts them off even where foreign keys are
-- not enforced (a sqlite3 shell), and the cascade then finds nothing to
-- count.
CREATE TRIGGER posts_counts_delete AFTER DELETE ON posts
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
END;

-- post_tags.listed_at follows its post.
CREATE TRIGGER posts_tags_listed AFTER UPDATE OF type, status, password,
	published_at ON posts
WHEN OLD.type IS NOT NEW.type OR OLD.status IS NOT NEW.status
	OR OLD.password IS NOT NEW.password
	OR OLD.published_at IS NOT NEW.published_at
BEGIN
	UPDATE post_tags SET listed_at = CASE WHEN NEW.type = 'post'
		AND NEW.status = 'published' AND NEW.password = ''
		THEN NEW.published_at END
	WHERE post_id = NEW.id AND listed_at IS NOT CASE WHEN NEW.type = 'post'
		AND NEW.status = 'published' AND NEW.password = ''
		THEN NEW.published_at END;
END;

CREATE TRIGGER post_tags_listed_insert AFTER INSERT ON post_tags
BEGIN
	UPDATE post_tags SET listed_at = (SELECT p.published_at FROM posts p
		WHERE p.id = NEW.post_id AND p.type = 'post'
		AND p.status = 'published' AND p.password = '')
	WHERE post_id = NEW.post_id AND tag_id = NEW.tag_id;
END;

CREATE TRIGGER post_tags_counts_update AFTER UPDATE OF tag_id, listed_at
ON post_tags
WHEN OLD.listed_at IS NOT NEW.listed_at OR OLD.tag_id IS NOT NEW.tag_id
BEGIN
	INSERT INTO post_count_delta(listing, type, key, t, d)
	SELECT 'tag', 'post', OLD.tag_id, OLD.listed_at, -1
	WHERE OLD.listed_at IS NOT NULL
	UNION ALL SELECT 'tag', 'post', NEW.tag_id, NEW.listed_at, 1
	WHERE NEW.listed_at IS NOT NULL;
END;

CREATE TRIGGER post_tags_counts_delete AFTER DELETE ON post_tags
WHEN OLD.listed_at IS NOT NULL
BEGIN
	INSERT INTO post_count_delta(listing, type, key, t, d)
	VALUES ('tag', 'post', OLD.tag_id, OLD.listed_at, -1);
END;

