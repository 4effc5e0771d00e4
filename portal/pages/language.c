/*
 * POST /i/{token}/language (lang, csrf): the debtor asks us to keep the
 * language they switched to (?lang=) for their pages and mails. It is
 * stored on the customer with an audit event, then 303 to the invoice,
 * now in that language. A language we do not have, or a bad form, changes
 * nothing (form.h's policy; the transaction is debtor_begin_or_reply's).
 */
#include <string.h>

#include "arena.h"
#include "audit.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "form.h"
#include "i18n.h"
#include "page.h"
#include "pages/debtor.h"
#include "routes.h"
#include "token.h"

enum language_field { L_LANG, L_CSRF, L__MAX };

static const struct form_field language_fields[L__MAX] = {
	[L_LANG] = { "lang", I18N_TAG_MAX - 1, false },
	[L_CSRF] = { "csrf", TOKEN_LEN, false },
};

/* Stores tag as the customer's language, with its audit event. */
static int
remember(struct ctx *c, const struct debtor_invoice *d, const char *tag)
{
	const char	*p[2] = { d->customer_id, tag };

	if (strcmp(d->language, tag) == 0)
		return 0;
	if (db_do(c->db, SQL_CUSTOMER_LANGUAGE, p, 2) == -1)
		return -1;
	return audit_write(c->db, &(struct audit_event){ .actor = "debtor",
	    .action = "language.changed", .invoice_id = d->invoice_id,
	    .link_id = d->link_id, .detail = arena_printf(c->arena, "%s -> %s",
	    d->language, tag), .client_addr = c->req.remote_addr });
}

void
language_post(struct ctx *c)
{
	const char		*f[L__MAX], *bad;
	const struct i18n_lang	*lang;
	struct debtor_invoice	 d;
	struct debtor_form	 form = { .purpose = "language" };

	/* A button, nothing typed: any problem with the form is the 400 page. */
	if (form_check(c->req.form, c->req.nform, language_fields, L__MAX, f,
	    &bad, NULL) != FORM_OK) {
		page_error(c, 400, NULL);
		return;
	}
	form.csrf = f[L_CSRF];
	if (!debtor_begin_or_reply(c, &form, &d))
		return;
	if ((lang = i18n_find(c->i18n, f[L_LANG])) == NULL) {
		page_error(c, 400, NULL);
		return;
	}
	if (remember(c, &d, lang->tag) == -1 || db_commit(c->db) == -1) {
		debtor_fail(c, &form);
		return;
	}
	if (response_redirect(&c->res, arena_printf(c->arena, "/i/%s",
	    d.token)) == -1)
		page_error(c, 500, NULL);
}
