-- Search (issue 6).  posts_fts is rebuilt with the columns a reader's
-- words are looked for in, and the triggers below keep it in step with
-- posts, post_tags, tags and users, so no write path can forget it.
--
-- Every post is indexed whatever its status or type: public searches join
-- posts on status = 'published' AND published_at <= now, and the admin
-- search looks at every status.  The table keeps its own copy of the text
-- (not external content), so a row can always be deleted exactly and
-- snippet() reads from it.
--
-- Tokenizer: unicode61 with diacritics folded, so Cyrillic, accented Latin
-- and English all search, case- and accent-insensitively.  No English
-- stemming: FTS5's porter wrapper stems prefix queries too, so the reader's
-- last word, which is a prefix (see search_query.h), went wrong both ways:
-- a half-typed "electi" found nothing (the index holds "elect") and a
-- whole "election" became "elect*" and found "electricity".  The prefix on
-- the last word already finds plurals and other endings of it.
--
-- The body column is the post's text as a reader sees it: store_post_add
-- sets it from body_html with the tags stripped (store_html_text()).  The
-- triggers, which cannot strip HTML, index the source (Markdown) or the
-- HTML itself until then; `gazette search reindex` recomputes every body
-- from body_html, and should be run once after this migration.
DROP TABLE IF EXISTS posts_fts;
CREATE VIRTUAL TABLE posts_fts USING fts5(
	title, body, excerpt, tags, author,
	tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO posts_fts(rowid, title, body, excerpt, tags, author)
SELECT p.id, p.title,
	CASE p.body_format WHEN 'html' THEN p.body_html ELSE p.body_src END,
	p.excerpt,
	coalesce((SELECT group_concat(t.name, ', ') FROM post_tags pt
	          JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id), ''),
	coalesce((SELECT coalesce(nullif(u.name, ''), u.login) FROM users u
	          WHERE u.id = p.author_id), '')
FROM posts p;

-- What the search's filters read for each match (store_search.c): a
-- covering index, so the rows themselves, whose bodies run over several
-- overflow pages, are never read for a match that is not shown.
CREATE INDEX posts_search ON posts(id, status, published_at, section_id,
	author_id);

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
	INSERT INTO posts_fts(rowid, title, body, excerpt, tags, author)
	VALUES (NEW.id, NEW.title,
		CASE NEW.body_format WHEN 'html' THEN NEW.body_html
		ELSE NEW.body_src END,
		NEW.excerpt,
		coalesce((SELECT group_concat(t.name, ', ') FROM post_tags pt
		          JOIN tags t ON t.id = pt.tag_id
		          WHERE pt.post_id = NEW.id), ''),
		coalesce((SELECT coalesce(nullif(u.name, ''), u.login)
		          FROM users u WHERE u.id = NEW.author_id), ''));
END;

CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, excerpt, author_id
ON posts BEGIN
	UPDATE posts_fts SET title = NEW.title, excerpt = NEW.excerpt,
		author = coalesce((SELECT coalesce(nullif(u.name, ''), u.login)
		                   FROM users u WHERE u.id = NEW.author_id), '')
	WHERE rowid = NEW.id;
END;

CREATE TRIGGER posts_fts_body AFTER UPDATE OF body_src, body_html, body_format
ON posts BEGIN
	UPDATE posts_fts SET body = CASE NEW.body_format
		WHEN 'html' THEN NEW.body_html ELSE NEW.body_src END
	WHERE rowid = NEW.id;
END;

CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
	DELETE FROM posts_fts WHERE rowid = OLD.id;
END;

CREATE TRIGGER post_tags_fts_insert AFTER INSERT ON post_tags BEGIN
	UPDATE posts_fts SET tags = coalesce((SELECT group_concat(t.name, ', ')
		FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
		WHERE pt.post_id = NEW.post_id), '')
	WHERE rowid = NEW.post_id;
END;

CREATE TRIGGER post_tags_fts_delete AFTER DELETE ON post_tags BEGIN
	UPDATE posts_fts SET tags = coalesce((SELECT group_concat(t.name, ', ')
		FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
		WHERE pt.post_id = OLD.post_id), '')
	WHERE rowid = OLD.post_id;
END;

CREATE TRIGGER tags_fts_rename AFTER UPDATE OF name ON tags BEGIN
	UPDATE posts_fts SET tags = coalesce((SELECT group_concat(t.name, ', ')
		FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
		WHERE pt.post_id = posts_fts.rowid), '')
	WHERE rowid IN (SELECT post_id FROM post_tags WHERE tag_id = NEW.id);
END;

CREATE TRIGGER users_fts_rename AFTER UPDATE OF name, login ON users BEGIN
	UPDATE posts_fts SET author = coalesce(nullif(NEW.name, ''), NEW.login)
	WHERE rowid IN (SELECT id FROM posts WHERE author_id = NEW.id);
END;
