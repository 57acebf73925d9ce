-- Comments and the community (threaded comments, moderation, spam control,
-- reply notifications, guest submissions).

-- The top-level comment a reply belongs to, so a page of threads loads with
-- one query; the newest approved activity in a thread (discussion sections
-- sort threads by it); the hash of the commenter's secret token (edit,
-- delete, seeing one's own pending comment); reply notifications; a hash
-- of the body for duplicate detection; the classifier's score.
ALTER TABLE comments ADD COLUMN thread_id INTEGER;
ALTER TABLE comments ADD COLUMN activity_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN token_hash BLOB;
ALTER TABLE comments ADD COLUMN notify INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN body_hash BLOB;
ALTER TABLE comments ADD COLUMN spam_score REAL NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
UPDATE comments SET thread_id = id, activity_at = created_at
	WHERE parent_id IS NULL;
UPDATE comments SET activity_at = created_at WHERE activity_at = 0;
CREATE INDEX comments_thread ON comments(post_id, thread_id, status, created_at);
CREATE INDEX comments_status ON comments(status, created_at);
CREATE INDEX comments_body_hash ON comments(body_hash);
CREATE INDEX comments_email ON comments(author_email, status);

-- Every moderator decision, for the record and for the classifier.
CREATE TABLE comment_decisions (
	id INTEGER PRIMARY KEY,
	comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
	decision TEXT NOT NULL
		CHECK (decision IN ('approve', 'spam', 'not-spam', 'trash')),
	actor TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX comment_decisions_comment ON comment_decisions(comment_id);

-- The naive Bayes classifier: per-token counts of spam and ham (not-spam)
-- documents it was trained on, and the document totals in row 0.
CREATE TABLE spam_tokens (
	token TEXT PRIMARY KEY,
	spam INTEGER NOT NULL DEFAULT 0,
	ham INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE spam_totals (
	id INTEGER PRIMARY KEY CHECK (id = 0),
	spam_docs INTEGER NOT NULL DEFAULT 0,
	ham_docs INTEGER NOT NULL DEFAULT 0
);
INSERT INTO spam_totals(id) VALUES (0);

-- Mail waiting to go out (reply notifications), retried with back-off.
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	to_addr TEXT NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	sent_at INTEGER,
	last_error TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);

-- Guest submissions are posts with status 'pending' and a submitter.
ALTER TABLE posts ADD COLUMN submitter_name TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN submitter_email TEXT NOT NULL DEFAULT '';
