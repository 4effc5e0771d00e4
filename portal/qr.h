#ifndef PORTAL_QR_H
#define PORTAL_QR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * QR codes (ISO/IEC 18004) drawn three ways: inline SVG for pages, PNG
 * for mail attachments and UTF-8 block characters for a terminal. The
 * symbol comes from libqrencode, always at error correction level M (the
 * EPC guideline allows M at most) with the data in 8-bit mode, so the
 * bytes a scanner reads are exactly the bytes given. There is no ECI
 * header naming a character set: an EPC payload names its own (line 3),
 * and the EPC's reference codes have none either.
 *
 * Every drawing has the quiet zone of QR_QUIET modules on each side that
 * scanners need, dark modules on light.
 */
struct buf;
struct qr;

#define QR_QUIET		4	/* light modules around the symbol */
#define QR_MAX_INPUT		1024	/* bytes; an EPC payload is <= 331 */
#define QR_PNG_MAX_SCALE	16	/* pixels per module */

enum qr_text_style {
	QR_TEXT_DARK_TERMINAL,	/* light text on dark: draws the light modules */
	QR_TEXT_LIGHT_TERMINAL,	/* dark text on light: draws the dark modules */
	QR_TEXT__MAX
};

/* Encodes len bytes of data; the caller frees it with qr_free(); NULL when len is 0 or over QR_MAX_INPUT, or out of memory. */
struct qr *qr_encode(const char *data, size_t len);
/* Frees q; NULL is a no-op. */
void qr_free(struct qr *q);
/* Modules per side, quiet zone excluded (21 for version 1 ... 177 for 40). */
int qr_size(const struct qr *q);
/* The symbol version, 1 to 40. */
int qr_version(const struct qr *q);
/* True when the module at column x, row y is dark; false outside the symbol (so in the quiet zone). */
bool qr_dark(const struct qr *q, int x, int y);
/*
 * Appends an inline SVG: viewBox in modules (it scales to whatever box CSS
 * gives it), crisp edges, a light background, the dark modules as one
 * <path>, role="img" and label (HTML-escaped; required) as its accessible
 * name. Presentation attributes only, no style attribute (CSP). 0 or -1.
 */
int qr_svg(const struct qr *q, const char *label, struct buf *out);
/* Appends a greyscale PNG of scale (1..QR_PNG_MAX_SCALE) pixels per module, written by libpng; 0 or -1. */
int qr_png(const struct qr *q, int scale, struct buf *out);
/* Appends the symbol as lines of U+2580/U+2584/U+2588 blocks, two module rows per line, each line ending in LF; 0 or -1. */
int qr_text(const struct qr *q, enum qr_text_style style, struct buf *out);

#endif
