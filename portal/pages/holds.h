#ifndef PORTAL_PAGES_HOLDS_H
#define PORTAL_PAGES_HOLDS_H

#include <stdbool.h>

/*
 * The invoice page's part of the debtor's own holds (pages/holds.c): the
 * links to the three forms and what is open (a dispute, a payment claim
 * still holding, a promise), as v.open_dispute, v.open_claim and
 * v.open_promise; open says which, for the banner after a submission.
 */
struct ctx;
struct debtor_invoice;
struct view;

struct holds_open {
	bool	dispute, claim, promise;
};

/*
 * The open dispute, payment claim and promise of d (read with DEBTOR_STATE)
 * and the links to their forms, on v; what is open in *open.
 */
void holds_invoice_view(struct ctx *c, const struct debtor_invoice *d,
    struct view *v, struct holds_open *open);

#endif
