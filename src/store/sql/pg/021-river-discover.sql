-- PostgreSQL twin of ../021-river-discover.sql (decision 094): the same columns,
-- indexes and names; SQLite's comments explain them.
ALTER TABLE river_sources ADD COLUMN discover bigint NOT NULL DEFAULT 0;
