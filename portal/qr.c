#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "buf.h"
#include "qr.h"

struct qr {
	QRcode	*code;
};

/* Side of a drawing in modules, quiet zone included. */
static int
full_size(const struct qr *q)
{
	return q->code->width + 2 * QR_QUIET;
}

struct qr *
qr_encode(const char *data, size_t len)
{
	struct qr	*q = NULL;

	if (data == NULL || len == 0 || len > QR_MAX_INPUT)
		return NULL;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	/* Version 0: the smallest that holds the data. */
	q->code = QRcode_encodeData((int)len, (const unsigned char *)data, 0,
	    QR_ECLEVEL_M);
	if (q->code == NULL) {
		free(q);
		return NULL;
	}
	return q;
}

void
qr_free(struct qr *q)
{
	if (q == NULL)
		return;
	QRcode_free(q->code);
	free(q);
}

int
qr_size(const struct qr *q)
{
	return q->code->width;
}

int
qr_version(const struct qr *q)
{
	return q->code->version;
}

bool
qr_dark(const struct qr *q, int x, int y)
{
	int	 w = q->code->width;

	if (x < 0 || y < 0 || x >= w || y >= w)
		return false;
	/* libqrencode: bit 0 of each module byte is "dark". */
	return (q->code->data[(size_t)y * (size_t)w + (size_t)x] & 1) != 0;
}

/* Appends one path segment per horizontal run of dark modules. */
static void
svg_runs(const struct qr *q, struct buf *out)
{
	int	 w = qr_size(q), x, y, start;

	for (y = 0; y < w; y++) {
		for (x = 0; x < w; x++) {
			if (!qr_dark(q, x, y))
				continue;
			start = x;
			while (x < w && qr_dark(q, x, y))
				x++;
			(void)buf_printf(out, "M%d %dh%dv1h-%dz", start + QR_QUIET,
			    y + QR_QUIET, x - start, x - start);
		}
	}
}

int
qr_svg(const struct qr *q, const char *label, struct buf *out)
{
	int	 n;

	if (q == NULL || out == NULL || label == NULL || *label == '\0')
		return -1;
	n = full_size(q);
	(void)buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "class=\"qr\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
	    n, n);
	(void)buf_append_html(out, label, strlen(label));
	(void)buf_printf(out, "\" shape-rendering=\"crispEdges\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
	    "<path fill=\"#000\" d=\"", n, n);
	svg_runs(q, out);
	(void)buf_puts(out, "\"/></svg>");
	return buf_failed(out) ? -1 : 0;
}

/* Fills px (side * side bytes) with 0 for dark and 255 for light pixels. */
static void
png_pixels(const struct qr *q, int scale, unsigned char *px)
{
	size_t	 side = (size_t)full_size(q) * (size_t)scale, x, y;

	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++)
			px[y * side + x] = qr_dark(q,
			    (int)(x / (size_t)scale) - QR_QUIET,
			    (int)(y / (size_t)scale) - QR_QUIET) ? 0 : 255;
}

#define QR_PNG_GUESS	(32 * 1024)

/* An 8-bit grey image of side x side pixels for libpng's simple API. */
static void
png_gray(png_image *img, size_t side)
{
	memset(img, 0, sizeof(*img));
	img->version = PNG_IMAGE_VERSION;
	img->width = (png_uint_32)side;
	img->height = (png_uint_32)side;
	img->format = PNG_FORMAT_GRAY;
}

int
qr_png(const struct qr *q, int scale, struct buf *out)
{
	png_image		 img;
	png_alloc_size_t	 n = 0;
	unsigned char		*px = NULL;
	size_t			 side;
	int			 rc = -1;

	memset(&img, 0, sizeof(img));
	if (q == NULL || out == NULL || scale < 1 || scale > QR_PNG_MAX_SCALE)
		goto out;
	side = (size_t)full_size(q) * (size_t)scale;
	if ((px = malloc(side * side)) == NULL)
		goto out;
	png_pixels(q, scale, px);
	png_gray(&img, side);
	/*
	 * One compression into room that is nearly always enough (a code
	 * compresses to a few kB); only when it was not, the exact size
	 * first (a second compression), then the image.
	 */
	n = QR_PNG_GUESS;
	if (buf_reserve(out, n) == -1 || !png_image_write_to_memory(&img,
	    out->data + out->len, &n, 0, px, 0, NULL)) {
		png_image_free(&img);
		png_gray(&img, side);
		n = 0;
		if (!png_image_write_get_memory_size(img, n, 0, px, 0, NULL) ||
		    buf_reserve(out, n) == -1 || !png_image_write_to_memory(&img,
		    out->data + out->len, &n, 0, px, 0, NULL))
			goto out;
	}
	out->len += n;
	out->data[out->len] = '\0';
	rc = 0;
out:
	png_image_free(&img);
	free(px);
	return rc;
}

/* The block character for a column's upper and lower module (drawn or not). */
static const char *
block(bool upper, bool lower)
{
	if (upper && lower)
		return "\xe2\x96\x88";		/* U+2588 FULL BLOCK */
	if (upper)
		return "\xe2\x96\x80";		/* U+2580 UPPER HALF BLOCK */
	if (lower)
		return "\xe2\x96\x84";		/* U+2584 LOWER HALF BLOCK */
	return " ";
}

int
qr_text(const struct qr *q, enum qr_text_style style, struct buf *out)
{
	int	 n, x, y;
	bool	 up, down, light = style == QR_TEXT_DARK_TERMINAL;

	if (q == NULL || out == NULL || (unsigned)style >= QR_TEXT__MAX)
		return -1;
	n = full_size(q);
	/* Drawn: a light module on a dark terminal, a dark one on a light. */
	for (y = 0; y < n; y += 2) {
		for (x = 0; x < n; x++) {
			up = qr_dark(q, x - QR_QUIET, y - QR_QUIET) != light;
			/* Below the last row (n is odd) nothing is drawn. */
			down = y + 1 < n &&
			    qr_dark(q, x - QR_QUIET, y + 1 - QR_QUIET) != light;
			(void)buf_puts(out, block(up, down));
		}
		(void)buf_putc(out, '\n');
	}
	return buf_failed(out) ? -1 : 0;
}
