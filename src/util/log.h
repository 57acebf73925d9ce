#ifndef GAZETTE_LOG_H
#define GAZETTE_LOG_H
/* One line per event on stderr, prefixed "gazette: ". Thread-safe. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
