-- PostgreSQL twin of ../011-stats.sql (decision 094): the same columns,
-- indexes and names; SQLite's comments explain them.
CREATE INDEX IF NOT EXISTS posts_author ON posts(author_id, published_at DESC);
