#ifndef PORTAL_PAGES_DESK_H
#define PORTAL_PAGES_DESK_H

/*
 * The desk's parts other staff pages show (pages/desk.c): an invoice's
 * logged calls and the form to log one.
 */
struct ctx;
struct db;
struct view;

/* The calls on invoice_id as v.calls, has_calls; 0 or -1. */
int desk_calls_view(struct ctx *c, struct db *db, const char *invoice_id,
    struct view *v);
/* The empty call form (v.call) with slots in the debtor's zone; 0 or -1. */
int desk_call_form_view(struct ctx *c, struct db *db, const char *invoice_id,
    struct view *v);

#endif
