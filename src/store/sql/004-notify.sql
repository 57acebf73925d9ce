-- Reply notifications (src/notify/): the reply a message is about, unique
-- so that approving the same reply twice queues one message, and the
-- one-click unsubscribe URL its List-Unsubscribe header carries (RFC 8058).
-- SQLite cannot add a UNIQUE column, so the key is a unique index; NULLs
-- (a message whose reply was deleted) never collide.
ALTER TABLE outbox ADD COLUMN reply_id INTEGER
	REFERENCES comments(id) ON DELETE SET NULL;
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX outbox_reply ON outbox(reply_id);
