#ifndef PORTAL_REQUEST_H
#define PORTAL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What nginx hands a worker over FastCGI, turned into a struct request
 * (http.h): the method, the client's address, user agent and languages,
 * the URI's path and query, the cookies and, for a POST, the urlencoded
 * body.
 * Independent of libfcgi: server.c passes the request's parameters and a
 * function that reads its body, so tests and the fuzzer can do the same.
 */
struct arena;
struct request;

struct request_source {
	char *const	*params;	/* "NAME=value" strings, NULL-terminated */
	/* Reads up to n bytes of the body into buf; how many, 0 at the end. */
	int		(*read)(void *arg, char *buf, int n);
	void		*arg;
};

/* The value of parameter name ("REQUEST_URI"), or NULL when absent. */
const char *request_param(const struct request_source *src, const char *name);
/*
 * The client's address from an X-Forwarded-For value: its rightmost entry
 * (the one our trusted proxy added), when it is an IPv4 or IPv6 address
 * (inet_pton), written to dst in canonical form. 0, or -1 when the header
 * is NULL or its last entry is not an address.
 */
int request_forwarded_addr(const char *xff, char *dst, size_t dstsz);
/*
 * Fills *req from src, every string in arena a. A body longer than
 * max_body bytes is refused. The client's address is REMOTE_ADDR, or with
 * trust_forwarded_for the rightmost X-Forwarded-For entry when it is an
 * address (request_forwarded_addr); "" if neither is. Header values kept
 * (User-Agent, Accept-Language) are made valid UTF-8 and cut on a character
 * boundary at 512 bytes. A query string that does not parse is ignored
 * (req->query_bad; the pages that read one refuse it). Returns 0, or the
 * status to answer: 400 (malformed), 413 (too large), 414 (URI too long),
 * 415 (a body that is not a form) or 500 (out of memory).
 */
int request_parse(struct arena *a, const struct request_source *src,
    long max_body, bool trust_forwarded_for, struct request *req);

#endif
