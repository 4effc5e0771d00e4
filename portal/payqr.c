#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "epc.h"
#include "log.h"
#include "payqr.h"
#include "qr.h"

enum epc_err
payqr_payload(const struct config *cfg, int64_t cents, const char *reference,
    char out[EPC_PAYLOAD_SIZE])
{
	struct epc_transfer	t = {
		.version = 2,
		.bic = cfg->bank_bic,
		.name = cfg->company,
		.iban = cfg->bank_iban,
		.cents = cents,
		.text = reference,
	};

	return epc_payload(&t, out, NULL);
}

bool
payqr_possible(const struct config *cfg, const char *currency)
{
	char	p[EPC_PAYLOAD_SIZE];

	return currency != NULL && strcmp(currency, "EUR") == 0 &&
	    payqr_payload(cfg, 1, "", p) == EPC_OK;
}

/* The symbol of cents EUR with reference, or NULL (logged once). */
static struct qr *
encode(const struct config *cfg, const char *currency, int64_t cents,
    const char *reference)
{
	char		p[EPC_PAYLOAD_SIZE];
	enum epc_err	e;
	struct qr	*q;

	if (currency == NULL || strcmp(currency, "EUR") != 0)
		return NULL;
	if ((e = payqr_payload(cfg, cents, reference, p)) != EPC_OK) {
		log_error("%s: %s", __func__, epc_strerror(e));
		return NULL;
	}
	if ((q = qr_encode(p, strlen(p))) == NULL)
		log_error("%s: qr_encode failed", __func__);
	return q;
}

int
payqr_svg(const struct config *cfg, const char *currency, int64_t cents,
    const char *reference, const char *label, struct buf *out)
{
	struct qr	*q;
	int		 rc;

	if ((q = encode(cfg, currency, cents, reference)) == NULL)
		return -1;
	rc = qr_svg(q, label, out);
	qr_free(q);
	return rc;
}

int
payqr_png(const struct config *cfg, const char *currency, int64_t cents,
    const char *reference, struct buf *out)
{
	struct qr	*q;
	int		 rc;

	if ((q = encode(cfg, currency, cents, reference)) == NULL)
		return -1;
	rc = qr_png(q, PAYQR_PNG_SCALE, out);
	qr_free(q);
	return rc;
}
