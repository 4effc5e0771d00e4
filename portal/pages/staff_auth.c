/*
 * Staff sign-in and sessions. Passwords are Argon2id hashes
 * (crypto_pwhash_str); the same message answers an unknown account and a
 * wrong password, and an unknown account is verified against a dummy hash so
 * both take about as long.
 *
 * Throttling: every attempt is counted before the password (or code) is
 * checked, by one statement that locks its counters (login_attempt(),
 * sql/0009_signin.sql), so parallel guesses queue there and no more than the
 * limit are ever checked. The lock people meet is per account and address
 * pair; higher ceilings per address and per account (config) stop guessing
 * spread over many accounts or many addresses, and an attempt refused by
 * any counter adds to none, so a locked-out address cannot push an account
 * over its ceiling. nginx also limits /staff/login.
 *
 * Second factor: for staff enrolled in TOTP (portal-admin staff-totp) a
 * right password makes a short-lived challenge, whose random id replaces
 * the pre-session cookie, and the code form follows; a code is accepted
 * once (the step is stored), a recovery code once. Codes are throttled like
 * passwords, per account.
 *
 * The sign-in forms are protected from CSRF by the random pre-session
 * cookie (or the challenge id) bound into their tokens. Sessions are 32
 * random bytes in the __Host-settle cookie (HttpOnly, Secure,
 * SameSite=Strict, Path=/); idle and absolute expiry are enforced in the
 * database; signing out deletes the row.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
#include "totp.h"
#include "view.h"

#define CHALLENGE_MINUTES	5	/* from the password to the code */
#define CODE_MAX		64	/* bytes: a code or a recovery code, spaced */

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

enum code_field { K_CODE, K_CSRF, K__MAX };

static void	staff_login_code_post(struct ctx *);

static const struct form_field code_fields[K__MAX] = {
	[K_CODE] = { "code", CODE_MAX, false },
	[K_CSRF] = { "csrf", TOKEN_LEN, false },
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
	s->role = -1;
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
		s->role = role_parse(db_str(r, 0, SESSION_ROLE));
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

/*
 * Roles (issue 14). A role the database holds but role.h does not know
 * allows nothing (role_allows), so a mistake never grants more.
 */
bool
staff_require(struct ctx *c, struct staff_session *s, enum staff_role need)
{
	if (!staff_session_or_redirect(c, s))
		return false;
	if (role_allows(s->role, (int)need))
		return true;
	page_error(c, 403, "role");
	return false;
}

bool
staff_require_id(struct ctx *c, struct staff_session *s, enum staff_role need,
    char *id, size_t idsz)
{
	if (!staff_require(c, s, need))
		return false;
	if (page_capture_id(c, id, idsz))
		return true;
	page_error(c, 404, NULL);
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
	view_set_choice(me, "role_", role_names, role_name(s->role));
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
	view_set_int(v, "window", c->cfg->login_window_minutes);
	view_set_bool(v, "error_credentials", false);
	view_set_bool(v, "error_throttled", false);
	view_set_bool(v, "error_expired", false);
	view_set_bool(v, "error_no_totp", false);
	if (problem != NULL)
		view_set_bool(v, problem, true);
	page_render(c, status, "staff_login", v);
	if (have == pre && set_cookie(c, cookie_name(c, true), pre, false) == -1)
		page_error(c, 500, NULL);
}

/*
 * The code form of the challenge whose id is challenge (the sign-in
 * cookie's value, or a new one to set when fresh is true).
 */
static void
render_code(struct ctx *c, int status, const char *challenge, bool fresh,
    const char *problem)
{
	struct view	*v = page_view(c);

	if (!page_csrf_or_reply(c, v, "csrf", "login-code", challenge))
		return;
	view_set_int(v, "window", c->cfg->login_window_minutes);
	view_set_bool(v, "error_code", false);
	view_set_bool(v, "error_throttled", false);
	if (problem != NULL)
		view_set_bool(v, problem, true);
	page_render(c, status, "staff_login_code", v);
	if (fresh && set_cookie(c, cookie_name(c, true), challenge, false) == -1)
		page_error(c, 500, NULL);
}

void
staff_login_get(struct ctx *c)
{
	render_login(c, 200, NULL, NULL);
}

/*
 * Counts an attempt of kind ("pair": a password, "code": a second factor)
 * on email from this address, before anything is checked: 1 when it may go
 * ahead, 0 when a limit is reached (and it was not counted), -1.
 */
static int
attempt_admitted(struct ctx *c, const char *kind, const char *email)
{
	char		 w[16], lp[16], la[16], lc[16];
	const char	*p[7] = { kind, email, c->req.remote_addr, w, lp, la, lc };
	struct db_res	*r;
	int		 admitted;

	(void)snprintf(w, sizeof(w), "%d", c->cfg->login_window_minutes);
	(void)snprintf(lp, sizeof(lp), "%d", c->cfg->login_limit_pair);
	(void)snprintf(la, sizeof(la), "%d", c->cfg->login_limit_address);
	(void)snprintf(lc, sizeof(lc), "%d", c->cfg->login_limit_account);
	if ((r = db_query(c->db, SQL_LOGIN_ATTEMPT, p, 7)) == NULL)
		return -1;
	admitted = db_rows(r) == 1 && db_bool(r, 0, ATTEMPT_ADMITTED);
	db_res_free(r);
	return admitted;
}

/*
 * The staff id for email and password in id, and whether the user has
 * enrolled in TOTP; 1 if they match, 0, -1.
 */
static int
check_password(struct ctx *c, const char *email, const char *password,
    char *id, size_t idsz, bool *totp)
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
	*totp = found && db_bool(r, 0, CREDENTIALS_TOTP);
	db_res_free(r);
	return found && ok;
}

/* Audits a refused password or code (action) for email; 0 or -1. */
static int
record_failure(struct ctx *c, const char *action, const char *staff_id,
    const char *email)
{
	return audit_write(c->db, &(struct audit_event){ .actor = "staff",
	    .staff_id = staff_id, .action = action, .detail = email,
	    .client_addr = c->req.remote_addr });
}

/*
 * A new session row and cookie for staff user id, in one transaction that
 * also clears the pair's and the codes' counts and deletes the challenge
 * (its hashes under every key as a bytea[], or NULL after a password alone); the use of a recovery code
 * is audited with it. 0 or -1.
 */
static int
start_session(struct ctx *c, const char *id, const char *email,
    const char *challenge_hash, bool recovery)
{
	struct staff_session	 s;
	char			 token[TOKEN_LEN + 1], hours[16], idle[16], w[16];
	const char		*p[4], *purge[1] = { idle };
	const char		*clear[3] = { email, c->req.remote_addr, w };
	int			 rc = -1;

	memset(&s, 0, sizeof(s));
	(void)snprintf(s.id, sizeof(s.id), "%s", id);
	(void)snprintf(hours, sizeof(hours), "%d", c->cfg->session_max_hours);
	(void)snprintf(idle, sizeof(idle), "%d", c->cfg->session_idle_minutes);
	(void)snprintf(w, sizeof(w), "%d", c->cfg->login_window_minutes);
	if (token_new(&c->cfg->keys, TOKEN_SESSION, token, s.hash) == -1)
		goto out;
	p[0] = s.hash; p[1] = id; p[2] = hours; p[3] = c->req.remote_addr;
	if (db_begin(c->db) == -1 ||
	    db_do(c->db, SQL_SESSION_PURGE, purge, 1) == -1 ||
	    db_do(c->db, SQL_SESSION_INSERT, p, 4) == -1 ||
	    db_do(c->db, SQL_LOGIN_THROTTLE_CLEAR, clear, 3) == -1 ||
	    (challenge_hash != NULL &&
	    db_do(c->db, SQL_CHALLENGE_DELETE, &challenge_hash, 1) == -1) ||
	    (recovery && staff_audit(c, &s, "staff.recovery_code_used", NULL,
	    email) == -1) ||
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
 * After a right password for a user enrolled in TOTP: a challenge row (a
 * keyed hash of a new random id, CHALLENGE_MINUTES to live), the id as the
 * sign-in cookie, and the code form. 0 or -1 (nothing sent).
 */
static int
start_challenge(struct ctx *c, const char *id)
{
	char		 tok[TOKEN_LEN + 1], hash[TOKEN_HASH_HEX], minutes[16];
	char		 one[TOKEN_HASH_HEX + 8];
	const char	*p[4] = { hash, id, minutes, c->req.remote_addr };
	const char	*del[1] = { one };
	int		 rc = -1, n;

	(void)snprintf(minutes, sizeof(minutes), "%d", CHALLENGE_MINUTES);
	if (token_new(&c->cfg->keys, TOKEN_SESSION, tok, hash) == -1)
		goto out;
	/* challenge_delete takes a bytea[] (every key's hash of an id). */
	n = snprintf(one, sizeof(one), "{\"\\%s\"}", hash);
	if (n < 0 || (size_t)n >= sizeof(one) ||
	    db_begin(c->db) == -1 ||
	    db_do(c->db, SQL_CHALLENGE_DELETE, del, 1) == -1 ||
	    db_do(c->db, SQL_CHALLENGE_INSERT, p, 4) == -1 ||
	    db_commit(c->db) == -1)
		goto out;
	render_code(c, 200, tok, true, NULL);
	rc = 0;
out:
	sodium_memzero(tok, sizeof(tok));
	return rc;
}

/*
 * POST /staff/login (email, password, csrf): refuses a forged form (403),
 * a throttled pair, address or account (429, counted before the password
 * is checked) and wrong credentials (403, one message for both cases);
 * otherwise the code form for staff enrolled in TOTP, a refusal for staff
 * without it when staff_totp_required is set, or a session and 303 to
 * /staff. A form with a "code" field is the second step (below). An email
 * or password too long or unreadable can match no account: the form again
 * with 400 (form.h), counted as no attempt.
 */
void
staff_login_post(struct ctx *c)
{
	const char		*f[L__MAX], *bad, *pre;
	enum form_result	 each[L__MAX], fr;
	char			 id[24];
	bool			 totp = false;
	int			 r;

	if (http_param_find(c->req.form, c->req.nform, "code") != NULL) {
		staff_login_code_post(c);
		return;
	}
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
	if ((r = attempt_admitted(c, "pair", f[L_EMAIL])) == 0) {
		render_login(c, 429, f[L_EMAIL], "error_throttled");
		return;
	}
	if (r == -1 || (r = check_password(c, f[L_EMAIL], f[L_PASSWORD], id,
	    sizeof(id), &totp)) == -1)
		goto fail;
	if (r == 0) {
		if (record_failure(c, "staff.login_failed", NULL, f[L_EMAIL]) == -1)
			goto fail;
		render_login(c, 403, f[L_EMAIL], "error_credentials");
		return;
	}
	if (totp) {
		if (start_challenge(c, id) == 0)
			return;
		goto fail;
	}
	if (c->cfg->staff_totp_required) {
		if (record_failure(c, "staff.login_no_totp", id, f[L_EMAIL]) == -1)
			goto fail;
		render_login(c, 403, f[L_EMAIL], "error_no_totp");
		return;
	}
	if (start_session(c, id, f[L_EMAIL], NULL, false) == 0)
		return;
fail:
	page_db_error(c);
}

/*
 * Checks code (a TOTP code or a recovery code) for the challenge's user,
 * marking the step or the recovery code used in the same statement that
 * finds it unused, so a code works once even in parallel. 1 when it was
 * right (*recovery says which kind), 0, -1.
 */
static int
check_code(struct ctx *c, const struct db_res *ch, const char *code,
    bool *recovery)
{
	unsigned char	 secret[TOTP_SECRET_BYTES];
	char		 step_s[24], hash[TOTP_RECOVERY_HASH_LIST];
	const char	*p[2];
	const char	*id = db_str(ch, 0, CHALLENGE_STAFF_ID);
	struct db_res	*r = NULL;
	int64_t		 step;
	int		 rc = 0;

	*recovery = !totp_is_code(code);
	p[0] = id;
	if (!*recovery) {
		if (totp_secret_open(&c->cfg->keys, db_str(ch, 0,
		    CHALLENGE_SECRET), secret) == -1) {
			log_error("%s: the TOTP secret of staff %s does not open "
			    "with this server secret", __func__, id);
			rc = -1;
			goto out;
		}
		if (totp_verify(secret, sizeof(secret), (int64_t)time(NULL), code,
		    db_int(ch, 0, CHALLENGE_LAST_STEP), &step) == -1)
			goto out;
		(void)snprintf(step_s, sizeof(step_s), "%" PRId64, step);
		p[1] = step_s;
		r = db_query(c->db, SQL_TOTP_USE_STEP, p, 2);
	} else {
		if (totp_recovery_lookup(&c->cfg->keys, id, code, hash) == -1)
			goto out;
		p[1] = hash;
		r = db_query(c->db, SQL_RECOVERY_USE, p, 2);
	}
	if (r == NULL)
		rc = -1;
	else
		rc = db_rows(r) == 1;
out:
	db_res_free(r);
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

/*
 * POST /staff/login (code, csrf), the second step: the challenge named by
 * the sign-in cookie, a CSRF token bound to it, a code attempt counted per
 * account (429 past the limit), then the code: a session and 303 to
 * /staff, or the code form again (403). A challenge that is unknown or
 * past its few minutes sends back to the password form.
 */
static void
staff_login_code_post(struct ctx *c)
{
	const char		*f[K__MAX], *bad, *pre, *p[1];
	enum form_result	 each[K__MAX], fr;
	char			 hash[TOKEN_HASH_LIST], id[24], email[256];
	struct db_res		*ch = NULL;
	bool			 recovery = false;
	int			 r;

	fr = form_check(c->req.form, c->req.nform, code_fields, K__MAX, f, &bad,
	    each);
	if (fr == FORM_UNKNOWN || fr == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	pre = cookie(c, cookie_name(c, true));
	if (pre == NULL || each[K_CSRF] != FORM_OK ||
	    !token_csrf_valid(&c->cfg->keys, "login-code", pre, f[K_CSRF])) {
		page_error(c, 403, "csrf");
		return;
	}
	if (fr != FORM_OK) {
		render_code(c, 400, pre, false, "error_code");
		return;
	}
	if (!page_db_or_reply(c))
		return;
	p[0] = hash;
	if (token_lookup(&c->cfg->keys, TOKEN_SESSION, pre, hash) == -1 ||
	    (ch = db_query(c->db, SQL_CHALLENGE_GET, p, 1)) == NULL)
		goto fail;
	if (db_rows(ch) != 1) {
		db_res_free(ch);
		render_login(c, 403, NULL, "error_expired");
		return;
	}
	(void)snprintf(id, sizeof(id), "%s", db_str(ch, 0, CHALLENGE_STAFF_ID));
	(void)snprintf(email, sizeof(email), "%s", db_str(ch, 0, CHALLENGE_EMAIL));
	if ((r = attempt_admitted(c, "code", email)) == 0) {
		db_res_free(ch);
		render_code(c, 429, pre, false, "error_throttled");
		return;
	}
	if (r == -1 || (r = check_code(c, ch, f[K_CODE], &recovery)) == -1)
		goto fail;
	db_res_free(ch);
	ch = NULL;
	if (r == 0) {
		if (record_failure(c, recovery ? "staff.recovery_code_failed" :
		    "staff.code_failed", id, email) == -1)
			goto fail;
		render_code(c, 403, pre, false, "error_code");
		return;
	}
	if (start_session(c, id, email, hash, recovery) == 0)
		return;
fail:
	db_res_free(ch);
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

	if (!staff_require(c, &s, STAFF_CLERK))
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
