#ifndef PORTAL_CTX_H
#define PORTAL_CTX_H

#include <time.h>

#include "http.h"
#include "router.h"

/*
 * Everything a handler works with for one request. The config and the
 * templates are shared and read-only; the database connection belongs to
 * the worker; the arena, request and response live for one request.
 */
struct arena;
struct config;
struct db;
struct i18n;
struct i18n_lang;
struct mustache_set;

struct ctx {
	const struct config		*cfg;
	const struct i18n		*i18n;		/* every language */
	const struct i18n_lang		*lang;		/* of this page; NULL: not chosen yet */
	const struct mustache_set	*templates;	/* lang's (the source's until chosen) */
	struct db			*db;		/* the primary */
	struct db			*db_read;	/* the replica (db_read); NULL: none */
	time_t				 read_retry_at;	/* replica down: try again then */
	struct db			*reading;	/* this request's read connection */
	struct arena			*arena;
	struct request			 req;
	struct response			 res;
	struct route_match		 match;
	time_t				 now;
	/*
	 * Work to do once the answer has gone (NULL: none): server_run() calls
	 * it after FCGX_Finish_r(), with its own transaction, so that work a
	 * request may or may not need costs no time the client can measure
	 * (fresh.c: a link and its mail only when the request matched).
	 */
	void				(*after)(struct ctx *c, void *arg);
	void				*after_arg;	/* in the arena */
};

#endif
