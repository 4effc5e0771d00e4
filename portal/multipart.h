#ifndef PORTAL_MULTIPART_H
#define PORTAL_MULTIPART_H

#include <stddef.h>

/*
 * multipart/form-data bodies (RFC 7578) of text fields. RFC 8058 asks mail
 * clients to send the one-click unsubscribe POST this way (they may use
 * application/x-www-form-urlencoded instead), so request.c reads both into
 * the same struct http_param list and form.h's policy applies unchanged.
 * Only text fields: a part with a filename is refused (415), and names and
 * values must be UTF-8 without NUL (400). Pure; strings in the arena.
 */
struct arena;
struct http_param;

#define MULTIPART_BOUNDARY_MAX	70	/* RFC 2046, 5.1.1 */

/*
 * The boundary parameter of a Content-Type value ("multipart/form-data;
 * boundary=xyz", quoted or not) into out (MULTIPART_BOUNDARY_MAX + 1
 * bytes); 0, or -1 when there is none or it is not 1 to 70 characters.
 */
int multipart_boundary(const char *content_type,
    char out[MULTIPART_BOUNDARY_MAX + 1]);
/*
 * Parses the n bytes of body, delimited by boundary, into at most max
 * params (*count of them). Returns 0, or the status to answer: 400 when
 * malformed (no closing delimiter, a part without a form-data name, a name
 * or value that is not UTF-8 or holds NUL), 413 for too many fields, 415
 * for a file.
 */
int multipart_parse(struct arena *a, const char *body, size_t n,
    const char *boundary, struct http_param *out, size_t max, size_t *count);

#endif
