-- PostgreSQL twin of ../012-protected.sql (decision 094): the same columns,
-- indexes and names; SQLite's comments explain them.
ALTER TABLE posts ADD COLUMN protected_html text NOT NULL DEFAULT '';
CREATE INDEX posts_protected ON posts(id) WHERE password != '';
