-- The admin's moderation queue (issue 5).
--
-- Each row of the queue shows the commenter's history: how many of their
-- other comments were approved and how many were spam, matched by email
-- without regard to ASCII case (as the hold rule "first" matches it).  The
-- index of 003 is on the binary collation, which `= ? COLLATE NOCASE`
-- cannot use, so every row counted by scanning the whole table; this one
-- makes each count a short range, and serves store_comment_approved_by
-- (the hold rule) and the duplicate check by email as well.
CREATE INDEX comments_email_nocase
	ON comments(author_email COLLATE NOCASE, status);

-- Guest submissions waiting for an editor, oldest first.
CREATE INDEX posts_submissions ON posts(status, id) WHERE submitter_email != '';
