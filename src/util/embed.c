#include <string.h>

#include "embed.h"
#include "banned.h"

const struct embed_file *
embed_find(const struct embed_file *files, const char *name)
{
	for (; files->name != NULL; files++)
		if (strcmp(files->name, name) == 0)
			return files;
	return NULL;
}
