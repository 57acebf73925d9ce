-- WordPress migration (issue 7): what a WXR import keeps beyond the data
-- model of DESIGN.md section 5, so a site arrives whole, its links keep
-- working and a second import of the same file adds nothing.
--
-- Legacy ids are the WordPress ids of the export (post, comment, user and
-- term ids).  They are unique where WordPress makes them unique, and NULL
-- for everything gazette made itself (NULLs never collide in a unique
-- index).  Re-importing matches on them and skips what is there.

-- Section hierarchy (WordPress categories nest).
ALTER TABLE sections ADD COLUMN parent_id INTEGER
	REFERENCES sections(id) ON DELETE SET NULL;
ALTER TABLE sections ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE sections ADD COLUMN legacy_id INTEGER;
CREATE UNIQUE INDEX sections_legacy ON sections(legacy_id);

ALTER TABLE tags ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE tags ADD COLUMN legacy_id INTEGER;
CREATE UNIQUE INDEX tags_legacy ON tags(legacy_id);

-- Imported authors have no password (pw_hash NULL): they cannot sign in
-- until one is set.
ALTER TABLE users ADD COLUMN legacy_id INTEGER;
CREATE UNIQUE INDEX users_legacy ON users(legacy_id);

-- Pages keep their parent page; private WordPress posts become drafts
-- with private = 1 (never public); a password-protected post keeps its
-- password (a reader must enter it).  legacy_parent holds the WordPress
-- id of the parent until the import resolves it (a child may come first).
ALTER TABLE posts ADD COLUMN parent_id INTEGER
	REFERENCES posts(id) ON DELETE SET NULL;
ALTER TABLE posts ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN password TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN legacy_parent INTEGER;
ALTER TABLE posts ADD COLUMN legacy_guid TEXT;
CREATE UNIQUE INDEX posts_legacy ON posts(legacy_id);
CREATE INDEX posts_parent ON posts(parent_id);

-- Every category of a post (posts.section_id is the first of them).
CREATE TABLE post_sections (
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
	PRIMARY KEY (post_id, section_id)
) WITHOUT ROWID;

-- Terms of other taxonomies (post formats, custom taxonomies, menus):
-- kept as data until something uses them.
CREATE TABLE terms (
	id INTEGER PRIMARY KEY,
	taxonomy TEXT NOT NULL,
	slug TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	parent_slug TEXT NOT NULL DEFAULT '',
	legacy_id INTEGER,
	UNIQUE (taxonomy, slug)
);
CREATE UNIQUE INDEX terms_legacy ON terms(legacy_id);
CREATE TABLE post_terms (
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	term_id INTEGER NOT NULL REFERENCES terms(id) ON DELETE CASCADE,
	PRIMARY KEY (post_id, term_id)
) WITHOUT ROWID;

-- Meta as WordPress wrote it: values are the original strings (a
-- PHP-serialized value stays text; nothing here unserializes).
CREATE TABLE post_meta (
	id INTEGER PRIMARY KEY,
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	key TEXT NOT NULL,
	value TEXT NOT NULL
);
CREATE INDEX post_meta_post ON post_meta(post_id, key);
CREATE TABLE comment_meta (
	id INTEGER PRIMARY KEY,
	comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
	key TEXT NOT NULL,
	value TEXT NOT NULL
);
CREATE INDEX comment_meta_comment ON comment_meta(comment_id, key);
-- Term meta by the term's taxonomy ('category', 'post_tag', ...) and slug.
CREATE TABLE term_meta (
	id INTEGER PRIMARY KEY,
	taxonomy TEXT NOT NULL,
	term_slug TEXT NOT NULL,
	key TEXT NOT NULL,
	value TEXT NOT NULL
);
CREATE INDEX term_meta_term ON term_meta(taxonomy, term_slug, key);

ALTER TABLE comments ADD COLUMN legacy_id INTEGER;
ALTER TABLE comments ADD COLUMN legacy_parent INTEGER;
CREATE UNIQUE INDEX comments_legacy ON comments(legacy_id);
CREATE INDEX comments_parent ON comments(parent_id);

-- Pingbacks and trackbacks are not comments: kept apart, never shown in
-- threads or counted.
CREATE TABLE pingbacks (
	id INTEGER PRIMARY KEY,
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	type TEXT NOT NULL CHECK (type IN ('pingback', 'trackback')),
	author_name TEXT NOT NULL DEFAULT '',
	author_url TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'pending'
		CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
	created_at INTEGER NOT NULL,
	legacy_id INTEGER
);
CREATE UNIQUE INDEX pingbacks_legacy ON pingbacks(legacy_id);
CREATE INDEX pingbacks_post ON pingbacks(post_id);

-- Attachments: a media row per file, keeping its original URL.  Until the
-- files are downloaded (a later issue) path is that URL too, so it stays
-- unique; a path with "://" is not under SITE/media.
ALTER TABLE media ADD COLUMN remote_url TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN post_id INTEGER
	REFERENCES posts(id) ON DELETE SET NULL;
ALTER TABLE media ADD COLUMN legacy_id INTEGER;
ALTER TABLE media ADD COLUMN legacy_parent INTEGER;
CREATE UNIQUE INDEX media_legacy ON media(legacy_id);

-- Old permalinks (percent-decoded paths of the export's <link>s, and the
-- nested category paths) and where they lead now: a post; an attachment
-- (media_id: the post it belongs to, or else its file); or a URL.  The
-- site's 404 path looks here before it answers 404, and 301s.
CREATE TABLE legacy_paths (
	path TEXT PRIMARY KEY,
	post_id INTEGER REFERENCES posts(id) ON DELETE CASCADE,
	media_id INTEGER REFERENCES media(id) ON DELETE CASCADE,
	url TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
