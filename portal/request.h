#ifndef PORTAL_REQUEST_H
#define PORTAL_REQUEST_H

#include <stdbool.h>

/*
 * What nginx hands a worker over FastCGI, turned into a struct request
 * (http.h): the method, the client's address, user agent and languages,
 * the URI's path and query, the cookies and, for a POST, the urlencoded
 * (or multipart/form-data, text fields only: multipart.h) body.
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
 * Fills *req from src, every string in arena a. A body longer than
 * max_body bytes is refused; X-Forwarded-For replaces the peer address
 * only when trust_forwarded_for. Returns 0, or the status to answer: 400
 * (malformed), 413 (too large), 414 (URI too long), 415 (a body that is
 * not a form) or 500 (out of memory).
 */
int request_parse(struct arena *a, const struct request_source *src,
    long max_body, bool trust_forwarded_for, struct request *req);

#endif
