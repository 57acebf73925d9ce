#ifndef GAZETTE_TEST_FEED_SERVER_H
#define GAZETTE_TEST_FEED_SERVER_H
/*
 * tests/unit/feed_server.py, the misbehaving feed server on loopback, as
 * a child process: started once for a group of tests, stopped when its
 * stdin closes.  Include after cmocka.h.
 *
 *	struct feed_server fs;
 *	feed_server_start(&fs);   0; fs.port 0 when python3 is absent
 *	... http://127.0.0.1:fs.port/feed ...
 *	feed_server_stop(&fs);
 */
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct feed_server {
	pid_t pid;
	int in; /* its stdin: closing it stops it */
	int port;
};

static inline int
feed_server_start(struct feed_server *fs)
{
	int in[2], out[2];
	char line[32] = {0};
	ssize_t got;

	fs->pid = 0;
	fs->in = -1;
	fs->port = 0;
	if (access("/usr/bin/python3", X_OK) != 0)
		return 0; /* each test skips */
	if (pipe(in) == -1 || pipe(out) == -1)
		return -1;
	fs->pid = fork();
	if (fs->pid == -1)
		return -1;
	if (fs->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl("/usr/bin/python3", "python3",
		      GAZETTE_SOURCE_ROOT "/tests/unit/feed_server.py",
		      (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	fs->in = in[1];
	/* The whole line, up to its newline: under PYTHONUNBUFFERED the
	 * number and the newline may come in two writes, and closing the
	 * pipe between them killed the server (BrokenPipeError) before a
	 * test had started. */
	for (size_t have = 0; strchr(line, '\n') == NULL;) {
		got = read(out[0], line + have, sizeof(line) - 1 - have);
		if (got <= 0 || (have += (size_t)got) >= sizeof(line) - 1)
			break;
	}
	close(out[0]);
	if (strchr(line, '\n') == NULL)
		return -1;
	fs->port = (int)strtol(line, NULL, 10);
	return 0;
}

static inline void
feed_server_stop(struct feed_server *fs)
{
	if (fs->pid > 0) {
		close(fs->in);
		kill(fs->pid, SIGTERM);
		waitpid(fs->pid, NULL, 0);
	}
}

#endif
