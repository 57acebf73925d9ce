/*
 * Uploads (server.h's server_upload_paths): a multipart POST with
 * credentials streamed through the library's post processor into a file
 * in the server's upload folder, never held in memory (decision 067).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mhd.h"
#include "../util/alloc.h"
#include "../util/log.h"
#include "../util/text.h"
#include "../util/banned.h"

/* The upload's post processor, file and temporary file, gone. */
void
upload_end(struct upload *up, int unlink_file)
{
	/* Destroying the processor hands over what it still held; it says
	 * MHD_NO when the form stopped before its closing boundary. */
	if (up->pp != NULL) {
		if (MHD_destroy_post_processor(up->pp) == MHD_NO &&
		    !unlink_file && up->error == NULL)
			up->error = "the form ended before its end";
		up->pp = NULL;
	}
	if (up->fd != -1) {
		close(up->fd);
		up->fd = -1;
	}
	if (unlink_file && up->path[0] != '\0') {
		unlink(up->path);
		up->path[0] = '\0';
	}
}

const char *const server_upload_paths[] = {"/api/v1/media",
                                           "/admin/media/upload", NULL};

/* A POST of multipart/form-data to an upload path, uploads being on. */
int
is_upload(struct server *s, struct MHD_Connection *c, struct req_state *rq,
          const char *method)
{
	const char *type;
	size_t n = strcspn(rq->uri, "?");

	if (s->upload_dir == NULL || strcmp(method, "POST") != 0)
		return 0;
	type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	                                   MHD_HTTP_HEADER_CONTENT_TYPE);
	if (type == NULL || strncasecmp(type, "multipart/form-data", 19) != 0)
		return 0;
	/* Only a request that could be signed in is streamed to disk: one
	 * with neither credentials nor a cookie keeps the ordinary body cap
	 * (413 past it, else the handler's 401), so a stranger cannot make
	 * the server write gigabytes, even for a moment. */
	if (MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	                                MHD_HTTP_HEADER_AUTHORIZATION) ==
	            NULL &&
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	                                MHD_HTTP_HEADER_COOKIE) == NULL)
		return 0;
	for (int i = 0; server_upload_paths[i] != NULL; i++)
		if (strlen(server_upload_paths[i]) == n &&
		    strncmp(rq->uri, server_upload_paths[i], n) == 0)
			return 1;
	return 0;
}

/*
 * The post processor's callback: the first file field's bytes into the
 * upload's file, other fields URL-encoded into the body (so form_values()
 * reads them as from any form).  A problem is noted and the rest read and
 * dropped, so the answer can say what it was.
 */
static enum MHD_Result
upload_part(void *cls, enum MHD_ValueKind kind, const char *key,
            const char *filename, const char *content_type,
            const char *transfer_encoding, const char *data, uint64_t off,
            size_t size)
{
	struct req_state *rq = cls;
	struct upload *up = rq->up;

	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	if (up->error != NULL)
		return MHD_YES;
	if (filename == NULL) {
		if ((off == 0 &&
		     ((up->body_fields++ > 0 &&
		       buf_putc(&rq->body, '&') == -1) ||
		      url_encode(&rq->body, key, strlen(key)) == -1 ||
		      buf_putc(&rq->body, '=') == -1)) ||
		    url_encode(&rq->body, data, size) == -1)
			up->error = "the form's fields are too long";
		return MHD_YES;
	}
	if (*filename == '\0')
		return MHD_YES; /* a file field left empty */
	if (off == 0 && up->file_parts++ > 0) {
		up->error = "one file at a time";
		return MHD_YES;
	}
	if (up->fd == -1) {
		snprintf(up->path, sizeof(up->path), "%s/up-XXXXXX",
		         rq->upload_dir);
		up->fd = mkostemp(up->path, O_CLOEXEC);
		if (up->fd == -1) {
			log_error("upload: creating a file in %s: %s",
			          rq->upload_dir, strerror(errno));
			up->path[0] = '\0';
			up->error = "the server could not store the file";
			return MHD_YES;
		}
		up->name = arena_strdup(rq->arena, filename);
	}
	if ((int64_t)size > LIM_UPLOAD_BYTES - up->bytes) {
		up->error = "the file is too large";
		return MHD_YES;
	}
	up->bytes += (int64_t)size;
	for (size_t done = 0; done < size;) {
		ssize_t w = write(up->fd, data + done, size - done);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_error("upload: writing %s: %s", up->path,
			          strerror(errno));
			up->error =
				errno == ENOSPC
					? "the server's disk is full"
					: "the server could not store the file";
			return MHD_YES;
		}
		done += (size_t)w;
	}
	return MHD_YES;
}

void
upload_begin(struct server *s, struct MHD_Connection *c, struct req_state *rq)
{
	struct upload *up = arena_alloc(rq->arena, sizeof(*up));

	memset(up, 0, sizeof(*up));
	up->fd = -1;
	rq->up = up;
	rq->upload_dir = s->upload_dir;
	up->pp = MHD_create_post_processor(c, 64 * 1024, upload_part, rq);
	if (up->pp == NULL)
		up->error = "not a multipart form (no boundary)";
}
