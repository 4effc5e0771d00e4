#ifndef PORTAL_PAGE_H
#define PORTAL_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "token.h"

/*
 * Rendering pages into the response: every page is a template extending
 * layout.mustache, filled from a view. Error pages are the "error" template
 * with the status as a flag, so their wording lives in the template too.
 *
 * A reply ends the request's work with the database: page_render() and
 * page_error() roll back a transaction that is still open. A handler
 * commits before it answers (with a redirect, Post/Redirect/Get), so every
 * other answer, a 4xx with the form again or an error page, changes
 * nothing, and no handler rolls back by hand. How forms answer their
 * failures is written once, in form.h.
 */
struct arena;
struct buf;
struct config;
struct ctx;
struct i18n_lang;
struct mustache_set;
struct view;

/*
 * Makes lang the response's language: its templates, dates and money. Until
 * a handler calls it the source language (English) is used, and an error
 * page chooses by Accept-Language (staff pages: English).
 */
void page_lang(struct ctx *c, const struct i18n_lang *lang);
/* The language ?lang= asks for, if it is one of ours; else NULL. */
const struct i18n_lang *page_query_lang(const struct ctx *c);
/*
 * The page speaks a customer's language (tag; the source when it is not
 * one of ours), or the one ?lang= asks for. Returns the customer's.
 */
const struct i18n_lang *page_speak(struct ctx *c, const char *tag);
/* The request's path, with ?lang= when the query asked for one of ours. */
const char *page_self_url(struct ctx *c);
/* The tag of the response's language ("en" until one is chosen). */
const char *page_lang_tag(const struct ctx *c);
/* A new root view with the site-wide values (company, contact, bank) and
 * lang, the response's language tag. */
struct view *page_view(struct ctx *c);
/* The same for a program without a request (mails from portal-admin), in arena a and language lang. */
struct view *page_root_view(struct arena *a, const struct config *cfg,
    const char *lang);
/* Renders template name with v as the whole response body; on failure
 * answers 500 instead. */
void page_render(struct ctx *c, int status, const char *name, struct view *v);
/* Answers status with the error page; reason (may be NULL) says what to do. */
void page_error(struct ctx *c, int status, const char *reason);
/*
 * Appends the error page for status and reason (may be NULL) to out, for
 * a program without a request (portal-admin error-pages): from templates,
 * the set of language lang, using arena a; 0 or -1 (logged).
 */
int page_error_render(const struct mustache_set *templates,
    const struct config *cfg, const char *lang, struct arena *a, int status,
    const char *reason, struct buf *out);
/* Today's date where the business is (config timezone, set in TZ at start). */
struct date page_today(const struct ctx *c);
/* cents formatted for the currency ("EUR 1,250.00"), arena-owned; "" on failure. */
const char *page_money(struct ctx *c, int64_t cents, const char *currency);
/* A date in words in the response's language ("4 December 2026",
 * "4 de diciembre de 2026"), arena-owned; "" on failure. */
const char *page_date(struct ctx *c, struct date d);
/* A date with its weekday ("Wednesday 26 November 2026", "miércoles, 26
 * de noviembre de 2026"), arena-owned. */
const char *page_weekday_date(struct ctx *c, struct date d);
/*
 * The route's first capture as a row id ("12" of /staff/tasks/{id}) in id;
 * false when it is not a whole number from 1 up (the caller answers 404).
 */
bool page_capture_id(struct ctx *c, char *id, size_t idsz);
/*
 * The route's first capture as a token of kind, hashed under every key
 * (token_lookup) into hash; false after the 404 of unknown links.
 */
bool page_token_or_reply(struct ctx *c, enum token_kind kind,
    char hash[TOKEN_HASH_LIST]);
/* Makes sure the database is reachable; otherwise answers 503 and returns false. */
bool page_db_or_reply(struct ctx *c);
/*
 * Makes sure the database is reachable and begins a transaction; false
 * after answering 503 (or 500). Debtor forms use debtor_begin_or_reply().
 */
bool page_begin_or_reply(struct ctx *c);
/*
 * The connection for a staff page that only reads (the queue, an invoice's
 * history): the read replica (config db_read) when there is one and it
 * answers, else the primary. A replica that does not answer is logged once
 * and tried again after READ_RETRY seconds; meanwhile pages read from the
 * primary. NULL after answering 503 when the primary does not answer
 * either. Debtor pages and every write use c->db.
 */
struct db *page_read_db_or_reply(struct ctx *c);
/* 503 when the last database failure was the connection, 500 otherwise. */
int page_db_status(const struct ctx *c);
/* Answers a database failure: the error page with page_db_status(). */
void page_db_error(struct ctx *c);
/*
 * Sets v's key to a fresh CSRF token for purpose and subject (token.h);
 * false after answering 500: a form is never shown without its token.
 */
bool page_csrf_or_reply(struct ctx *c, struct view *v, const char *key,
    const char *purpose, const char *subject);

#endif
