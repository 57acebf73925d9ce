-- The lists' indexes end with the row's id, as SQLite's end with the
-- rowid (../026-index-ids.sql): a list ordered "newest first, ties by id"
-- is then read in the index's order and stops at its LIMIT, where without
-- the id PostgreSQL sorted each run of equal times (an Incremental Sort),
-- and a list with no LIMIT (the in-memory order, store_order.c) sorted
-- them all.  Same names, same predicates; test_plans_pg holds the
-- reader's statements to them.
DROP INDEX posts_listed;
CREATE INDEX posts_listed ON posts(type, published_at, id)
	WHERE status = 'published' AND password = '';
DROP INDEX posts_section_listed;
CREATE INDEX posts_section_listed
	ON posts(section_id, type, published_at, id)
	WHERE status = 'published' AND password = '';
DROP INDEX posts_section_active;
CREATE INDEX posts_section_active
	ON posts(section_id, type, activity_at, id)
	WHERE status = 'published' AND password = '';
DROP INDEX posts_sticky;
CREATE INDEX posts_sticky ON posts(type, published_at, id)
	WHERE sticky != 0 AND status = 'published' AND password = '';
DROP INDEX post_tags_listed;
CREATE INDEX post_tags_listed ON post_tags(tag_id, listed_at, post_id)
	WHERE listed_at IS NOT NULL;
DROP INDEX comments_status;
CREATE INDEX comments_status ON comments(status, created_at, id);
DROP INDEX comments_roots;
CREATE INDEX comments_roots ON comments(post_id, created_at, id)
	WHERE parent_id IS NULL AND status = 'approved';
DROP INDEX river_entries_section;
CREATE INDEX river_entries_section
	ON river_entries(section_id, published_at, id) WHERE hidden = 0;
DROP INDEX river_entries_source;
CREATE INDEX river_entries_source
	ON river_entries(source_id, published_at, id) WHERE hidden = 0;
DROP INDEX river_entries_all;
CREATE INDEX river_entries_all ON river_entries(published_at, id)
	WHERE hidden = 0;
