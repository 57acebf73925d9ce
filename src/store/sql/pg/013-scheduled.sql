-- PostgreSQL twin of ../013-scheduled.sql (decision 094): the same columns,
-- indexes and names; SQLite's comments explain them.
CREATE INDEX posts_scheduled ON posts(published_at) WHERE status = 'scheduled';
