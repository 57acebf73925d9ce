-- The data model of DESIGN.md section 5.  Later issues add numbered files;
-- migrations only move forward and schema_migrations records what ran.

CREATE TABLE sections (
	id INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL DEFAULT 'posts'
		CHECK (kind IN ('posts', 'video', 'discussion', 'podcast',
		                'aggregator', 'dashboard')),
	position INTEGER NOT NULL DEFAULT 0,
	show_newest INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL
		CHECK (role IN ('admin', 'editor', 'author', 'moderator',
		                'contributor')),
	pw_hash TEXT,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);

CREATE TABLE posts (
	id INTEGER PRIMARY KEY,
	type TEXT NOT NULL DEFAULT 'post'
		CHECK (type IN ('post', 'page', 'book', 'episode')),
	status TEXT NOT NULL DEFAULT 'draft'
		CHECK (status IN ('draft', 'pending', 'scheduled', 'published',
		                  'trash')),
	section_id INTEGER REFERENCES sections(id) ON DELETE SET NULL,
	slug TEXT NOT NULL,
	title TEXT NOT NULL,
	excerpt TEXT NOT NULL DEFAULT '',
	body_src TEXT NOT NULL DEFAULT '',
	body_format TEXT NOT NULL DEFAULT 'markdown'
		CHECK (body_format IN ('markdown', 'html')),
	body_html TEXT NOT NULL DEFAULT '',
	source_url TEXT NOT NULL DEFAULT '',
	author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	published_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	comments_open INTEGER NOT NULL DEFAULT 1,
	sticky INTEGER NOT NULL DEFAULT 0,
	legacy_id INTEGER,
	views_total INTEGER NOT NULL DEFAULT 0,
	comment_count INTEGER NOT NULL DEFAULT 0
);
-- A post's URL is /YYYY/MM/DD/slug/, so the slug alone need not be unique
-- across days; it is unique per type, which keeps lookups simple and
-- matches WordPress's wp_unique_post_slug().
CREATE UNIQUE INDEX posts_type_slug ON posts(type, slug);
CREATE INDEX posts_listing ON posts(type, status, published_at DESC);
CREATE INDEX posts_section ON posts(section_id, status, published_at DESC);

CREATE TABLE post_revisions (
	id INTEGER PRIMARY KEY,
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	title TEXT NOT NULL,
	body_src TEXT NOT NULL,
	author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE tags (
	id INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL
);

CREATE TABLE post_tags (
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
	PRIMARY KEY (post_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX post_tags_tag ON post_tags(tag_id);

CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	expires_at INTEGER NOT NULL
);

CREATE TABLE comments (
	id INTEGER PRIMARY KEY,
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	parent_id INTEGER REFERENCES comments(id) ON DELETE SET NULL,
	depth INTEGER NOT NULL DEFAULT 0,
	author_name TEXT NOT NULL,
	author_email TEXT NOT NULL DEFAULT '',
	author_url TEXT NOT NULL DEFAULT '',
	user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	ip_hash BLOB,
	body_src TEXT NOT NULL,
	body_html TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending'
		CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
	created_at INTEGER NOT NULL,
	edited_at INTEGER
);
CREATE INDEX comments_post ON comments(post_id, status, created_at);

CREATE TABLE post_views (
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	day INTEGER NOT NULL, -- days since 1970-01-01 UTC
	n INTEGER NOT NULL,
	PRIMARY KEY (post_id, day)
) WITHOUT ROWID;
CREATE INDEX post_views_day ON post_views(day);

CREATE TABLE media (
	id INTEGER PRIMARY KEY,
	path TEXT NOT NULL UNIQUE,
	mime TEXT NOT NULL,
	bytes INTEGER NOT NULL DEFAULT 0,
	sha256 TEXT NOT NULL DEFAULT '',
	width INTEGER,
	height INTEGER,
	duration_s INTEGER,
	title TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);

CREATE TABLE books (
	post_id INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
	cover_media_id INTEGER REFERENCES media(id) ON DELETE SET NULL,
	order_url TEXT NOT NULL DEFAULT '',
	epub_media_id INTEGER REFERENCES media(id) ON DELETE SET NULL,
	pdf_media_id INTEGER REFERENCES media(id) ON DELETE SET NULL
);

CREATE TABLE feeds (
	id INTEGER PRIMARY KEY,
	url TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL DEFAULT '',
	site_url TEXT NOT NULL DEFAULT '',
	etag TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	next_fetch_at INTEGER NOT NULL DEFAULT 0,
	errors INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT ''
);

CREATE TABLE feed_items (
	id INTEGER PRIMARY KEY,
	feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
	guid TEXT NOT NULL,
	url TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL DEFAULT '',
	summary TEXT NOT NULL DEFAULT '',
	published_at INTEGER NOT NULL,
	UNIQUE (feed_id, guid)
);

CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE blocks (
	id INTEGER PRIMARY KEY,
	area TEXT NOT NULL DEFAULT 'sidebar',
	position INTEGER NOT NULL DEFAULT 0,
	kind TEXT NOT NULL,
	config TEXT NOT NULL DEFAULT '{}' -- JSON
);

-- Episodes (podcast) keep their audio here until the podcast issue.
CREATE TABLE episodes (
	post_id INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
	audio_url TEXT NOT NULL DEFAULT '',
	duration_s INTEGER NOT NULL DEFAULT 0
);

CREATE VIRTUAL TABLE posts_fts USING fts5(
	title, body,
	tokenize = 'unicode61 remove_diacritics 2'
);
