#include <libxml/parser.h>
#include <sodium.h>
#include <stdio.h>

#include "cli/cli.h"
#include "util/clock.h"
#include "util/banned.h"

int
main(int argc, char **argv)
{
	struct error e;

	if (sodium_init() < 0) {
		fprintf(stderr, "gazette: cannot initialise libsodium\n");
		return 1;
	}
	/* Once, before any thread: feeds, imports and the aggregator parse
	 * and write XML from worker threads. */
	xmlInitParser();
	if (clock_init(&e) == -1)
		return cli_fail(&e);
	return cli_main(argc, argv);
}
