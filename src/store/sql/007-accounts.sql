-- Accounts and the admin (issue 5): sessions that can be listed and
-- revoked, API tokens for scripts, one-time invitation links, and the
-- post version an editor's save is checked against (a stale edit).
--
-- Every secret is kept only as a hash (BLAKE2b of the token): a copy of
-- the database does not let anyone sign in.

ALTER TABLE sessions ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_user ON sessions(user_id);

ALTER TABLE users ADD COLUMN last_login_at INTEGER NOT NULL DEFAULT 0;

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token_hash BLOB NOT NULL UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	used_at INTEGER NOT NULL DEFAULT 0
);

-- An invited user exists (disabled, no password) until the link is used.
CREATE TABLE invites (
	token_hash BLOB PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Bumped by every save from the admin or the API; a save names the
-- version it started from and is refused when another came in between.
ALTER TABLE posts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
