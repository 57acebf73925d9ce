-- PostgreSQL twin of ../014-listed.sql (decision 094): the same columns,
-- indexes and names; SQLite's comments explain them.
CREATE INDEX posts_listed ON posts(type, published_at)
	WHERE status = 'published' AND password = '';
