-- A feed added in the admin by a page's URL (issue 15): the feed thread
-- fetches it, and when the answer is a page rather than a feed, follows
-- the first feed the page announces (<link rel="alternate">) and clears
-- the flag.  The admin's request never waits on another site
-- (docs/decisions/060-feeds-in-the-admin.md).
ALTER TABLE river_sources ADD COLUMN discover INTEGER NOT NULL DEFAULT 0;
