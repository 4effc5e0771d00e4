#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "form.h"
#include "i18n.h"
#include "log.h"
#include "money.h"
#include "mustache.h"
#include "page.h"
#include "token.h"
#include "view.h"

/* The phone number as a tel: URI: digits and a leading plus only. */
static const char *
phone_uri(struct arena *a, const char *phone)
{
	char	*out;
	size_t	 i, j = 0;

	if ((out = arena_alloc(a, strlen(phone) + 1)) == NULL)
		return NULL;
	for (i = 0; phone[i] != '\0'; i++)
		if ((phone[i] >= '0' && phone[i] <= '9') || (phone[i] == '+' && j == 0))
			out[j++] = phone[i];
	out[j] = '\0';
	return out;
}

/* Fills the values every page's layout and footer use, in language lang. */
static void
site_view(struct arena *a, struct view *site, const struct config *cfg,
    const char *lang)
{
	view_set_str(site, "company", cfg->company);
	view_set_str(site, "company_address", cfg->company_address);
	view_set_str(site, "company_registration", cfg->company_registration);
	view_set_str(site, "contact_name", config_text(cfg, "contact_name", lang));
	view_set_str(site, "contact_phone", cfg->contact_phone);
	view_set_str(site, "contact_phone_uri", phone_uri(a, cfg->contact_phone));
	view_set_str(site, "contact_email", cfg->contact_email);
	view_set_str(site, "contact_hours", config_text(cfg, "contact_hours", lang));
	view_set_str(site, "bank_name", cfg->bank_name);
	view_set_str(site, "bank_iban", cfg->bank_iban);
	view_set_str(site, "bank_bic", cfg->bank_bic);
	view_set_str(site, "base_url", cfg->base_url);
	view_set_str(site, "css", cfg->css_url);
}

void
page_lang(struct ctx *c, const struct i18n_lang *lang)
{
	c->lang = lang;
	c->templates = lang->templates;
}

const struct i18n_lang *
page_query_lang(const struct ctx *c)
{
	size_t	i;

	for (i = 0; i < c->req.nquery; i++)
		if (strcmp(c->req.query[i].name, "lang") == 0)
			return i18n_find(c->i18n, c->req.query[i].value);
	return NULL;
}

const struct i18n_lang *
page_speak(struct ctx *c, const char *tag)
{
	const struct i18n_lang	*lang, *q = page_query_lang(c);

	if ((lang = i18n_find(c->i18n, tag)) == NULL)
		lang = i18n_source(c->i18n);
	page_lang(c, q != NULL ? q : lang);
	return lang;
}

const char *
page_self_url(struct ctx *c)
{
	const struct i18n_lang	*q = page_query_lang(c);

	return arena_printf(c->arena, "%s%s%s", c->req.path,
	    q != NULL ? "?lang=" : "", q != NULL ? q->tag : "");
}

const char *
page_lang_tag(const struct ctx *c)
{
	return c->lang != NULL ? c->lang->tag : I18N_SOURCE;
}

/* A root view with the site's values in language lang, in arena a. */
struct view *
page_root_view(struct arena *a, const struct config *cfg, const char *lang)
{
	struct view	*v;

	v = view_map(a);
	site_view(a, view_set_map(v, "site"), cfg, lang);
	view_set_str(v, "lang", lang);
	return v;
}

struct view *
page_view(struct ctx *c)
{
	return page_root_view(c->arena, c->cfg, page_lang_tag(c));
}

/* The last resort when even the error template cannot be rendered. */
static void
plain_500(struct ctx *c)
{
	response_reset(&c->res, 500);
	c->res.content_type = "text/plain; charset=utf-8";
	(void)buf_puts(&c->res.body, "Something went wrong on our side. "
	    "Please try again in a few minutes.\n");
}

void
page_render(struct ctx *c, int status, const char *name, struct view *v)
{
	struct mustache_error	err;

	db_rollback(c->db);	/* a reply ends the transaction: see page.h */
	if (v == NULL || arena_failed(c->arena)) {
		log_error("%s: %s: out of memory building the view", __func__, name);
		plain_500(c);
		return;
	}
	buf_reset(&c->res.body);
	c->res.status = status;
	if (mustache_render(c->templates, name, v, MUSTACHE_HTML, &c->res.body,
	    &err) == -1) {
		log_error("%s: %s:%u:%u: %s", __func__, err.template, err.line,
		    err.column, err.message);
		plain_500(c);
	}
}

/* The error template's view: the status as a flag, and the reason's. */
static struct view *
error_view(struct arena *a, const struct config *cfg, const char *lang,
    int status, const char *reason)
{
	struct view	*v = page_root_view(a, cfg, lang);
	char		 flag[64];

	view_set_int(v, "status", status);
	(void)snprintf(flag, sizeof(flag), "is_%d", status);
	view_set_bool(v, flag, true);
	if (reason != NULL) {
		(void)snprintf(flag, sizeof(flag), "reason_%s", reason);
		view_set_bool(v, flag, true);
	}
	return v;
}

void
page_error(struct ctx *c, int status, const char *reason)
{
	struct view	*v, *fresh;
	char		 csrf[TOKEN_LEN + 1];

	response_reset(&c->res, status);
	if (c->lang == NULL && c->i18n != NULL)	/* no customer to follow */
		page_lang(c, strncmp(c->req.path ? c->req.path : "", "/staff", 6) == 0 ?
		    i18n_source(c->i18n) : page_query_lang(c) ? page_query_lang(c) :
		    i18n_accept(c->i18n, c->req.accept_language));
	v = error_view(c->arena, c->cfg, page_lang_tag(c), status, reason);
	/*
	 * A bad link's page offers a fresh link by email (pages/fresh.c). Its
	 * token is bound to the client's address: the page stays the same
	 * for unknown, expired and revoked links.
	 */
	if (v != NULL && status == 404 && reason != NULL &&
	    strcmp(reason, "link") == 0) {
		fresh = view_set_map(v, "fresh");
		if (token_csrf(&c->cfg->keys, "fresh", c->req.remote_addr, csrf) == 0)
			view_set_str(fresh, "csrf", csrf);
	}
	page_render(c, status, "error", v);
}

int
page_error_render(const struct mustache_set *templates,
    const struct config *cfg, const char *lang, struct arena *a, int status,
    const char *reason, struct buf *out)
{
	struct mustache_error	 err;
	struct view		*v = error_view(a, cfg, lang, status, reason);

	if (v == NULL || arena_failed(a)) {
		log_error("%s: out of memory building the view", __func__);
		return -1;
	}
	if (mustache_render(templates, "error", v, MUSTACHE_HTML, out, &err) == -1) {
		log_error("%s: %s:%u:%u: %s", __func__, err.template, err.line,
		    err.column, err.message);
		return -1;
	}
	return 0;
}

bool
page_token_or_reply(struct ctx *c, enum token_kind kind,
    char hash[TOKEN_HASH_LIST])
{
	const char	*token = c->match.captures[0];

	if (token_well_formed(token) &&
	    token_lookup(&c->cfg->keys, kind, token, hash) == 0)
		return true;
	page_error(c, 404, "link");
	return false;
}

bool
page_capture_id(struct ctx *c, char *id, size_t idsz)
{
	long	n;

	if (form_int(c->match.captures[0], 1, 999999999999L, &n) == -1)
		return false;
	(void)snprintf(id, idsz, "%ld", n);
	return true;
}

bool
page_db_or_reply(struct ctx *c)
{
	if (db_ensure(c->db) == 0)
		return true;
	page_error(c, 503, "database");
	return false;
}

bool
page_begin_or_reply(struct ctx *c)
{
	if (db_ensure(c->db) == 0 && db_begin(c->db) == 0)
		return true;
	page_db_error(c);
	return false;
}

#define READ_RETRY	30	/* seconds before a replica that failed is tried again */

struct db *
page_read_db_or_reply(struct ctx *c)
{
	if (c->db_read != NULL && c->now >= c->read_retry_at) {
		if (db_ensure(c->db_read) == 0) {
			if (c->read_retry_at != 0)
				log_info("the read replica answers again: staff "
				    "pages read from it");
			c->read_retry_at = 0;
			return c->reading = c->db_read;
		}
		if (c->read_retry_at == 0)
			log_warn("the read replica (db_read) does not answer: "
			    "staff pages read from the primary; trying it again "
			    "every %d s", READ_RETRY);
		c->read_retry_at = c->now + READ_RETRY;
	}
	return page_db_or_reply(c) ? (c->reading = c->db) : NULL;
}

int
page_db_status(const struct ctx *c)
{
	return db_is_down(c->db) || (c->reading != NULL &&
	    db_is_down(c->reading)) ? 503 : 500;
}

void
page_db_error(struct ctx *c)
{
	page_error(c, page_db_status(c), "database");
}

bool
page_csrf_or_reply(struct ctx *c, struct view *v, const char *key,
    const char *purpose, const char *subject)
{
	char	csrf[TOKEN_LEN + 1];

	if (token_csrf(&c->cfg->keys, purpose, subject, csrf) == -1) {
		log_error("%s: %s: cannot make a CSRF token", __func__, purpose);
		page_error(c, 500, NULL);
		return false;
	}
	view_set_str(v, key, csrf);
	return true;
}

struct date
page_today(const struct ctx *c)
{
	struct tm	tm;
	struct date	d = { 1970, 1, 1 };

	if (localtime_r(&c->now, &tm) != NULL) {
		d.year = tm.tm_year + 1900;
		d.month = tm.tm_mon + 1;
		d.day = tm.tm_mday;
	}
	return d;
}

const char *
page_money(struct ctx *c, int64_t cents, const char *currency)
{
	char	out[64];

	if (money_format(out, sizeof(out), cents, currency, page_lang_tag(c)) == -1) {
		log_error("%s: cannot format %lld %s", __func__, (long long)cents,
		    currency);
		return "";
	}
	return arena_strdup(c->arena, out);
}

const char *
page_date(struct ctx *c, struct date d)
{
	char	out[64];

	if (date_format_long(out, sizeof(out), d, page_lang_tag(c)) == -1)
		return "";
	return arena_strdup(c->arena, out);
}

const char *
page_weekday_date(struct ctx *c, struct date d)
{
	char	out[2 * DATE_LONG_MAX];

	if (date_format_weekday_long(out, sizeof(out), d, page_lang_tag(c)) == -1)
		return "";
	return arena_strdup(c->arena, out);
}
