-- PostgreSQL twin of ../004-notify.sql (decision 094).  PostgreSQL could
-- add a UNIQUE column; the unique index keeps SQLite's name.
ALTER TABLE outbox ADD COLUMN reply_id bigint
	REFERENCES comments(id) ON DELETE SET NULL;
ALTER TABLE outbox ADD COLUMN unsubscribe_url text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX outbox_reply ON outbox(reply_id);
