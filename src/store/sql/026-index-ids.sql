-- Nothing to change on SQLite: every index of a rowid table ends with the
-- rowid, so "ORDER BY published_at DESC, id DESC" walks posts_listed in
-- order.  The PostgreSQL twin of this migration gives its indexes that
-- last column explicitly (issue 12 on PostgreSQL, test_plans_pg); the
-- number is shared so both engines record the same history.
SELECT 1;
