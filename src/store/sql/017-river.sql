-- The river of headlines from other sites' feeds (issue 15):
-- store/river.h, store_river.c; docs/decisions/059-the-river.md.

-- A feed we follow.  What the last fetch left (validators, status,
-- error, the backoff's count, the redirect being watched) is kept here so
-- feed/schedule.c's feed_plan can decide the next one.
CREATE TABLE river_sources (
	id INTEGER PRIMARY KEY,
	url TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	site_url TEXT NOT NULL DEFAULT '',
	folder TEXT NOT NULL DEFAULT '',       -- OPML outlines around it
	section_id INTEGER REFERENCES sections(id) ON DELETE SET NULL,
	interval INTEGER NOT NULL DEFAULT 3600, -- seconds
	enabled INTEGER NOT NULL DEFAULT 1,
	etag TEXT NOT NULL DEFAULT '',          -- byte for byte, W/ kept
	last_modified TEXT NOT NULL DEFAULT '',
	last_fetch_at INTEGER NOT NULL DEFAULT 0,
	last_status INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	errors INTEGER NOT NULL DEFAULT 0,      -- consecutive
	redirects INTEGER NOT NULL DEFAULT 0,   -- permanent ones in a row...
	redirect_to TEXT NOT NULL DEFAULT '',   -- ...to this URL
	next_fetch_at INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
CREATE INDEX river_sources_due ON river_sources(next_fetch_at)
	WHERE enabled = 1;

-- A headline.  key: the per-feed dedup key (feed_entry_key), unique per
-- source; cross_key: its link's key across feeds (feed_link_key), "" for
-- none.  published_at is the feed's date, or the time first seen when the
-- feed gives none or one in the future.  section_id is the source's,
-- copied so a section's river is one index walk.  hidden: 0 shown,
-- 1 a keyword filter matched its title, 2 another source had its link.
CREATE TABLE river_entries (
	id INTEGER PRIMARY KEY,
	source_id INTEGER NOT NULL
		REFERENCES river_sources(id) ON DELETE CASCADE,
	section_id INTEGER NOT NULL DEFAULT 0,
	key TEXT NOT NULL,
	cross_key TEXT NOT NULL DEFAULT '',
	link TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL DEFAULT '',
	text TEXT NOT NULL DEFAULT '',
	author TEXT NOT NULL DEFAULT '',
	published_at INTEGER NOT NULL,
	fetched_at INTEGER NOT NULL,
	hidden INTEGER NOT NULL DEFAULT 0,
	UNIQUE(source_id, key)
);
-- The pages: a section's river, a source's, everything (the river's
-- feed), newest first, by keyset.  Ascending, so that a backward walk
-- gives published_at DESC, id DESC (the rowid ends every index): a
-- descending column before an ascending rowid sorted in a temporary
-- b-tree (migration 014's lesson).
CREATE INDEX river_entries_section
	ON river_entries(section_id, published_at) WHERE hidden = 0;
CREATE INDEX river_entries_source
	ON river_entries(source_id, published_at) WHERE hidden = 0;
CREATE INDEX river_entries_all ON river_entries(published_at)
	WHERE hidden = 0;
-- Cross-feed dedup, and pruning by age.
CREATE INDEX river_entries_cross ON river_entries(cross_key)
	WHERE cross_key <> '';
CREATE INDEX river_entries_age ON river_entries(published_at);

-- The keys of pruned entries, so one still in its feed does not come
-- back.  They go with their source.
CREATE TABLE river_tombstones (
	source_id INTEGER NOT NULL
		REFERENCES river_sources(id) ON DELETE CASCADE,
	key TEXT NOT NULL,
	pruned_at INTEGER NOT NULL,
	PRIMARY KEY (source_id, key)
) WITHOUT ROWID;

-- Keyword filters: a rule (a word or phrase, feed_filter_match) hides
-- entries whose title has it, of one source or (source_id NULL) of all.
CREATE TABLE river_filters (
	id INTEGER PRIMARY KEY,
	source_id INTEGER REFERENCES river_sources(id) ON DELETE CASCADE,
	rule TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX river_filters_source ON river_filters(source_id);
