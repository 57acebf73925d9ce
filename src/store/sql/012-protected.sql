-- Password-protected posts (issue 7): the rendered body of a post with
-- a password lives here, apart from body_html, and only the handler that
-- has checked the password reads it.  body_html holds the notice that
-- every other path (lists, feeds, search, the API, caches) may show, so
-- a forgotten filter can never leak the body.
ALTER TABLE posts ADD COLUMN protected_html TEXT NOT NULL DEFAULT '';
-- Public search leaves protected posts out with a NOT IN over this small
-- index, so its covering index (posts_search) still spares the rows.
CREATE INDEX posts_protected ON posts(id) WHERE password != '';
