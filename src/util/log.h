#ifndef GAZETTE_LOG_H
#define GAZETTE_LOG_H
/*
 * One line per event on stderr: "TIME gazette: LEVEL: message", TIME in
 * UTC as ISO 8601 with milliseconds, LEVEL info, warning or error.
 * Thread-safe.  Never pass a password, token, cookie or key: the log is
 * read by more people than the database.
 */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
