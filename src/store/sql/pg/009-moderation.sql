-- PostgreSQL twin of ../009-moderation.sql (decision 094).  COLLATE
-- NOCASE has no twin: the index is on lower(author_email), and the
-- store's `= ? COLLATE NOCASE` is `lower(author_email) = lower(?)` here.
-- lower() folds all of Unicode on PostgreSQL, ASCII only on SQLite
-- (decision 092's table): an address differing only in the case of a
-- non-ASCII letter matches here and not there.
CREATE INDEX comments_email_nocase
	ON comments(lower(author_email), status);

CREATE INDEX posts_submissions ON posts(status, id) WHERE submitter_email != '';
