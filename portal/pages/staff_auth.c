/*
 * Staff sign-in and sessions. Passwords are Argon2id hashes
 * (crypto_pwhash_str); the same message answers an unknown account and a
 * wrong password, and an unknown account is verified against a dummy hash so
 * both take about as long. Failures are counted per account and per address
 * and refused for a while past a limit (nginx also limits /staff/login).
 * The sign-in form is protected from CSRF by a random pre-session cookie
 * bound into its token. Sessions are 32 random bytes in the __Host-settle
 * cookie (HttpOnly, Secure, SameSite=Strict, Path=/); idle and absolute
 * expiry are enforced in the database; signing out deletes the row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "audit.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "form.h"
#include "log.h"
#include "page.h"
#include "pages/staff.h"
#include "routes.h"
#include "view.h"

#define MAX_FAILS_ACCOUNT	5	/* per 15 minutes */
#define MAX_FAILS_ADDRESS	20

/* Verified when the account is unknown, so timing does not tell. */
static const char dummy_hash[] =
    "$argon2id$v=19$m=65536,t=2,p=1$9HULsgbur3Ydh59ACNT69w$"
    "TdTSZh9AUVlN/z2ta/+xAQdqdDnUOjfbJgiwmbdwqw0";

enum login_field { L_EMAIL, L_PASSWORD, L_CSRF, L__MAX };

static const struct form_field login_fields[L__MAX] = {
	[L_EMAIL] = { "email", 254, false },
	[L_PASSWORD] = { "password", 1024, false },
	[L_CSRF] = { "csrf", TOKEN_LEN, false },
};

/* Cookie names: the __Host- prefix needs Secure, hence HTTPS. */
static const char *
cookie_name(const struct ctx *c, bool login)
{
	if (c->cfg->cookie_secure)
		return login ? "__Host-settle-login" : "__Host-settle";
	return login ? "settle-login" : "settle";
}

static int
set_cookie(struct ctx *c, const char *name, const char *value, bool clear)
{
	const char	*v;

	v = arena_printf(c->arena, "%s=%s; Path=/; HttpOnly;%s SameSite=Strict%s",
	    name, value, c->cfg->cookie_secure ? " Secure;" : "",
	    clear ? "; Max-Age=0" : "");
	return v ? response_header(&c->res, "Set-Cookie", v) : -1;
}

static const char *
cookie(const struct ctx *c, const char *name)
{
	const struct http_param	*p;

	p = http_param_find(c->req.cookies, c->req.ncookies, name);
	return p != NULL && token_well_formed(p->value) ? p->value : NULL;
}

/*
 * Finds the live session of the request's cookie, by its hashes under
 * every key, and touches it; the stored hash (under the key that made it)
 * goes to s->hash, the subject of the session's CSRF tokens. 1 when found,
 * 0 when there is none, -1 when the database failed.
 */
static int
session_find(struct ctx *c, struct staff_session *s)
{
	const char	*id = cookie(c, cookie_name(c, false));
	const char	*p[2];
	char		 idle[16], hashes[TOKEN_HASH_LIST];
	struct db_res	*r;
	int		 found;

	memset(s, 0, sizeof(*s));
	if (id == NULL || token_lookup(&c->cfg->keys, TOKEN_SESSION, id,
	    hashes) == -1)
		return 0;
	if (db_ensure(c->db) == -1)
		return -1;
	(void)snprintf(idle, sizeof(idle), "%d", c->cfg->session_idle_minutes);
	p[0] = hashes;
	p[1] = idle;
	if ((r = db_query(c->db, SQL_SESSION_TOUCH, p, 2)) == NULL)
		return -1;
	if ((found = db_rows(r) == 1)) {
		(void)snprintf(s->id, sizeof(s->id), "%s", db_str(r, 0, SESSION_ID));
		(void)snprintf(s->hash, sizeof(s->hash), "%s",
		    db_str(r, 0, SESSION_ID_HASH));
		s->name = arena_strdup(c->arena, db_str(r, 0, SESSION_NAME));
		s->email = arena_strdup(c->arena, db_str(r, 0, SESSION_EMAIL));
		if (s->name == NULL || s->email == NULL)
			found = -1;
	}
	db_res_free(r);
	return found;
}

bool
staff_session_or_redirect(struct ctx *c, struct staff_session *s)
{
	switch (session_find(c, s)) {
	case 1:
		return true;
	case -1:
		page_db_error(c);
		return false;
	default:
		break;
	}
	if (response_redirect(&c->res, "/staff/login") == -1)
		page_error(c, 500, NULL);
	return false;
}

bool
staff_session_peek(struct ctx *c, struct staff_session *s)
{
	return session_find(c, s) == 1;
}

struct view *
staff_view_or_reply(struct ctx *c, const struct staff_session *s,
    const char *purpose)
{
	struct view	*v = page_view(c), *me;

	me = view_set_map(v, "staff");
	view_set_str(me, "name", s->name);
	view_set_str(me, "email", s->email);
	if (!page_csrf_or_reply(c, me, "logout_csrf", "logout", s->hash) ||
	    (purpose != NULL && !page_csrf_or_reply(c, v, "csrf", purpose, s->hash)))
		return NULL;
	return v;
}

bool
staff_csrf_valid(struct ctx *c, const struct staff_session *s,
    const char *purpose, const char *given)
{
	return token_csrf_valid(&c->cfg->keys, purpose, s->hash, given);
}

int
staff_audit(struct ctx *c, const struct staff_session *s, const char *action,
    const char *invoice_id, const char *detail)
{
	return audit_write(c->db, &(struct audit_event){ .actor = "staff",
	    .staff_id = s->id, .action = action, .invoice_id = invoice_id,
	    .detail = detail, .client_addr = c->req.remote_addr });
}

/* The sign-in form, with a new pre-session cookie when there is none. */
static void
render_login(struct ctx *c, int status, const char *email, const char *problem)
{
	struct view	*v = page_view(c);
	char		 pre[TOKEN_LEN + 1], unused[TOKEN_HASH_HEX];
	const char	*have = cookie(c, cookie_name(c, true));

	if (have == NULL) {
		if (token_new(&c->cfg->keys, TOKEN_SESSION, pre, unused) == -1) {
			page_error(c, 500, NULL);
			return;
		}
		have = pre;
	}
	if (!page_csrf_or_reply(c, v, "csrf", "login", have))
		return;
	view_set_str(v, "email", email ? email : "");
	if (problem != NULL)
		view_set_bool(v, problem, true);
	page_render(c, status, "staff_login", v);
	if (have == pre && set_cookie(c, cookie_name(c, true), pre, false) == -1)
		page_error(c, 500, NULL);
}

void
staff_login_get(struct ctx *c)
{
	render_login(c, 200, NULL, NULL);
}

/* 1 when this account or address failed too often lately, 0 if not, -1. */
static int
throttled(struct ctx *c, const char *email)
{
	const char	*p[2] = { email, c->req.remote_addr };
	struct db_res	*r;
	int		 over;

	if ((r = db_query(c->db, SQL_LOGIN_FAILURES, p, 2)) == NULL)
		return -1;
	over = db_int(r, 0, FAILURES_ACCOUNT) >= MAX_FAILS_ACCOUNT ||
	    db_int(r, 0, FAILURES_ADDRESS) >= MAX_FAILS_ADDRESS;
	db_res_free(r);
	return over;
}

/* The staff id for email and password in id; 1 if they match, 0, -1. */
static int
check_password(struct ctx *c, const char *email, const char *password,
    char *id, size_t idsz)
{
	const char	*p[1] = { email };
	char		 hash[crypto_pwhash_STRBYTES];
	struct db_res	*r;
	int		 found, ok, n;

	if ((r = db_query(c->db, SQL_STAFF_BY_EMAIL, p, 1)) == NULL)
		return -1;
	found = db_rows(r) == 1;
	/* libsodium reads the stored hash from a crypto_pwhash_STRBYTES array. */
	memset(hash, 0, sizeof(hash));
	n = snprintf(hash, sizeof(hash), "%s", found ?
	    db_str(r, 0, CREDENTIALS_PASSWORD_HASH) : dummy_hash);
	ok = n > 0 && (size_t)n < sizeof(hash) &&
	    crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	(void)snprintf(id, idsz, "%s", found ? db_str(r, 0, CREDENTIALS_ID) : "");
	db_res_free(r);
	return found && ok;
}

static int
record_failure(struct ctx *c, const char *email)
{
	const char	*p[2] = { email, c->req.remote_addr };

	if (db_do(c->db, SQL_LOGIN_FAILURE_ADD, p, 2) == -1)
		return -1;
	return audit_write(c->db, &(struct audit_event){ .actor = "staff",
	    .action = "staff.login_failed", .detail = email,
	    .client_addr = c->req.remote_addr });
}

/* A new session row and cookie for staff user id; 0 or -1. */
static int
start_session(struct ctx *c, const char *id, const char *email)
{
	struct staff_session	 s;
	char			 token[TOKEN_LEN + 1], hours[16], idle[16];
	const char		*p[4], *purge[1] = { idle };
	int			 rc = -1;

	memset(&s, 0, sizeof(s));
	(void)snprintf(s.id, sizeof(s.id), "%s", id);
	(void)snprintf(hours, sizeof(hours), "%d", c->cfg->session_max_hours);
	(void)snprintf(idle, sizeof(idle), "%d", c->cfg->session_idle_minutes);
	if (token_new(&c->cfg->keys, TOKEN_SESSION, token, s.hash) == -1)
		goto out;
	p[0] = s.hash; p[1] = id; p[2] = hours; p[3] = c->req.remote_addr;
	if (db_begin(c->db) == -1 ||
	    db_do(c->db, SQL_SESSION_PURGE, purge, 1) == -1 ||
	    db_do(c->db, SQL_SESSION_INSERT, p, 4) == -1 ||
	    db_do(c->db, SQL_LOGIN_FAILURE_CLEAR, &email, 1) == -1 ||
	    staff_audit(c, &s, "staff.login", NULL, email) == -1 ||
	    db_commit(c->db) == -1)
		goto out;
	if (response_redirect(&c->res, "/staff") == -1 ||
	    set_cookie(c, cookie_name(c, false), token, false) == -1 ||
	    set_cookie(c, cookie_name(c, true), "", true) == -1)
		goto out;
	rc = 0;
out:
	sodium_memzero(token, sizeof(token));
	return rc;
}

/*
 * POST /staff/login (email, password, csrf): refuses a forged form (403),
 * a throttled account or address (429) and wrong credentials (403, one
 * message for both cases); otherwise starts a session and 303 to /staff.
 * An email or password too long or unreadable can match no account: the
 * form again with 400 (form.h), counted as no attempt.
 */
void
staff_login_post(struct ctx *c)
{
	const char		*f[L__MAX], *bad, *pre;
	enum form_result	 each[L__MAX], fr;
	char			 id[24];
	int			 r;

	fr = form_check(c->req.form, c->req.nform, login_fields, L__MAX, f, &bad,
	    each);
	if (fr == FORM_UNKNOWN || fr == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	pre = cookie(c, cookie_name(c, true));
	if (pre == NULL || each[L_CSRF] != FORM_OK ||
	    !token_csrf_valid(&c->cfg->keys, "login", pre, f[L_CSRF])) {
		page_error(c, 403, "csrf");
		return;
	}
	if (fr != FORM_OK) {
		render_login(c, 400, each[L_EMAIL] == FORM_OK ? f[L_EMAIL] : "",
		    "error_credentials");
		return;
	}
	if (!page_db_or_reply(c))
		return;
	if ((r = throttled(c, f[L_EMAIL])) == 1) {
		render_login(c, 429, f[L_EMAIL], "error_throttled");
		return;
	}
	if (r == -1 || (r = check_password(c, f[L_EMAIL], f[L_PASSWORD], id,
	    sizeof(id))) == -1)
		goto fail;
	if (r == 0) {
		if (record_failure(c, f[L_EMAIL]) == -1)
			goto fail;
		render_login(c, 403, f[L_EMAIL], "error_credentials");
		return;
	}
	if (start_session(c, id, f[L_EMAIL]) == 0)
		return;
fail:
	page_db_error(c);
}

/* POST /staff/logout (csrf): deletes the session row and the cookie. */
void
staff_logout_post(struct ctx *c)
{
	static const struct form_field fields[] = { { "csrf", TOKEN_LEN, false } };
	struct staff_session	 s;
	const char		*f[1], *bad, *p[1];
	enum form_result	 r;

	if (!staff_session_or_redirect(c, &s))
		return;
	r = form_check(c->req.form, c->req.nform, fields, 1, f, &bad, NULL);
	if (r == FORM_UNKNOWN || r == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	if (r != FORM_OK || !staff_csrf_valid(c, &s, "logout", f[0])) {
		page_error(c, 403, "csrf");
		return;
	}
	p[0] = s.hash;
	if (!page_begin_or_reply(c))
		return;
	if (db_do(c->db, SQL_SESSION_DELETE, p, 1) == -1 ||
	    staff_audit(c, &s, "staff.logout", NULL, s.email) == -1 ||
	    db_commit(c->db) == -1) {
		page_db_error(c);
		return;
	}
	if (response_redirect(&c->res, "/staff/login") == -1 ||
	    set_cookie(c, cookie_name(c, false), "", true) == -1)
		page_error(c, 500, NULL);
}
