#ifndef PORTAL_PAYQR_H
#define PORTAL_PAYQR_H

#include <stdbool.h>
#include <stdint.h>

#include "epc.h"

/*
 * The payment QR code of an amount and a reference, to the business's own
 * account: an EPC QR code (epc.h, the GiroCode) with the config's company
 * as the beneficiary, its bank_iban and bank_bic (version 002: the BIC is
 * left out when none is configured), the amount in EUR and the reference
 * (the invoice number) as the unstructured remittance text. Drawn by qr.c.
 * Pages show it as inline SVG; mails (reminders) attach the PNG.
 *
 * The guideline knows only EUR: for any other currency, or a config whose
 * IBAN, BIC or company the guideline refuses, there is no code and the
 * caller shows the bank details alone.
 */
struct buf;
struct config;

#define PAYQR_PNG_SCALE	4	/* pixels per module of the PNG (mails show it at 180 px) */

/* True when cfg's bank details make a valid EPC payload and currency is EUR. */
bool payqr_possible(const struct config *cfg, const char *currency);
/* The EPC payload for cents EUR with reference into out; EPC_OK or epc.h's error (out ""). */
enum epc_err payqr_payload(const struct config *cfg, int64_t cents,
    const char *reference, char out[EPC_PAYLOAD_SIZE]);
/* Appends the code as inline SVG with label as its accessible name; 0, or -1 (nothing to draw: not EUR, bad config, out of memory). */
int payqr_svg(const struct config *cfg, const char *currency, int64_t cents,
    const char *reference, const char *label, struct buf *out);
/* Appends the code as a PNG (PAYQR_PNG_SCALE pixels per module) for a mail; 0, or -1 as payqr_svg(). */
int payqr_png(const struct config *cfg, const char *currency, int64_t cents,
    const char *reference, struct buf *out);

#endif
