/*
 * QR rendering. The SVG path and the text blocks are read back into a
 * module grid and compared with the symbol; the PNG is read back with
 * libpng and compared pixel by pixel, and decoded with zbarimg (Debian
 * zbar-tools), the way a banking app's camera would, to exactly the EPC
 * payload we put in, field by field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <png.h>

#include "buf.h"
#include "epc.h"
#include "qr.h"

/* The quiet zone scanners need, in modules: stated here, not taken from qr.h. */
#define QUIET	4
#define MAXSIDE	(177 + 2 * QUIET)

static struct qr *
encode(const char *s)
{
	struct qr *q = qr_encode(s, strlen(s));

	assert_non_null(q);
	return q;
}

/* Sets grid cells from an SVG path of "M<x> <y>h<n>v1h-<n>z" runs. */
static void
grid_from_path(const char *d, bool grid[MAXSIDE][MAXSIDE], int side)
{
	int x, y, n, back, used, i;

	while (*d != '"') {
		if (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &back, &used) != 4)
			fail_msg("unexpected path text: %.20s", d);
		assert_int_equal(n, back);
		assert_true(n >= 1 && x >= 0 && y >= 0 && x + n <= side &&
		    y < side);
		for (i = 0; i < n; i++) {
			assert_false(grid[y][x + i]);	/* runs never overlap */
			grid[y][x + i] = true;
		}
		d += used;
	}
}

/* Compares a drawn grid (quiet zone included) with the symbol. */
static void
grid_is_symbol(const struct qr *q, bool grid[MAXSIDE][MAXSIDE])
{
	int side = qr_size(q) + 2 * QUIET, x, y;

	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++)
			if (grid[y][x] != qr_dark(q, x - QUIET, y - QUIET))
				fail_msg("module %d,%d differs", x, y);
}

static void
test_qr_encode_limits(void **state)
{
	char *big = malloc(QR_MAX_INPUT + 1);
	struct qr *q;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', QR_MAX_INPUT + 1);
	assert_null(qr_encode(NULL, 3));
	assert_null(qr_encode("abc", 0));
	assert_null(qr_encode(big, QR_MAX_INPUT + 1));
	q = qr_encode(big, QR_MAX_INPUT);
	assert_non_null(q);
	assert_int_equal(qr_size(q), 17 + 4 * qr_version(q));
	qr_free(q);
	qr_free(NULL);
	free(big);
	/* Bytes are bytes: a NUL inside is kept. */
	q = qr_encode("a\0b", 3);
	assert_non_null(q);
	qr_free(q);
}

static void
test_qr_small(void **state)
{
	struct qr *q = encode("hello");

	(void)state;
	assert_int_equal(qr_version(q), 1);
	assert_int_equal(qr_size(q), 21);
	/* The finder pattern's corner and its light separator. */
	assert_true(qr_dark(q, 0, 0));
	assert_true(qr_dark(q, 6, 6));
	assert_false(qr_dark(q, 7, 7));
	assert_true(qr_dark(q, 20, 0));
	assert_true(qr_dark(q, 0, 20));
	assert_false(qr_dark(q, -1, 0));
	assert_false(qr_dark(q, 0, 21));
	assert_false(qr_dark(q, 21, 21));
	qr_free(q);
}

/* The longest EPC payload fits version 13 at level M, as the guideline says. */
static void
test_qr_epc_max_version(void **state)
{
	char s[EPC_MAX_PAYLOAD + 1];
	struct qr *q;

	(void)state;
	memset(s, 'x', EPC_MAX_PAYLOAD);
	s[EPC_MAX_PAYLOAD] = '\0';
	q = encode(s);
	assert_int_equal(qr_version(q), 13);
	assert_int_equal(qr_size(q), 69);
	qr_free(q);
}

static void
test_qr_svg(void **state)
{
	static bool grid[MAXSIDE][MAXSIDE];
	struct qr *q = encode("BCD\n002\n1\nSCT\n\nNorthwind\nBE68539007547034\nEUR1.00");
	struct buf b;
	const char *s, *d;
	int side = qr_size(q) + 2 * QUIET;
	char want[128];

	(void)state;
	memset(grid, 0, sizeof(grid));
	buf_init(&b, 0);
	assert_int_equal(qr_svg(q, "Payment code", &b), 0);
	s = buf_str(&b);
	assert_true(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	(void)snprintf(want, sizeof(want), "viewBox=\"0 0 %d %d\"", side, side);
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, " role=\"img\""));
	assert_non_null(strstr(s, " aria-label=\"Payment code\""));
	assert_non_null(strstr(s, " shape-rendering=\"crispEdges\""));
	assert_null(strstr(s, "style="));
	/* No width on the svg element: CSS sizes it. */
	assert_true(strstr(s, " width=\"") > strstr(s, "<rect"));
	(void)snprintf(want, sizeof(want), "<rect width=\"%d\" height=\"%d\" "
	    "fill=\"#fff\"/>", side, side);
	assert_non_null(strstr(s, want));
	/* One path, and it is the last element. */
	d = strstr(s, "<path fill=\"#000\" d=\"");
	assert_non_null(d);
	assert_null(strstr(d + 1, "<path"));
	assert_true(strcmp(s + b.len - 9, "\"/></svg>") == 0);
	/* The first run is the top of the finder pattern, after the quiet zone. */
	assert_true(strncmp(d, "<path fill=\"#000\" d=\"M4 4h7v1h-7z", 33) == 0);
	grid_from_path(d + strlen("<path fill=\"#000\" d=\""), grid, side);
	grid_is_symbol(q, grid);
	buf_free(&b);
	qr_free(q);
}

static void
test_qr_svg_label(void **state)
{
	struct qr *q = encode("x");
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(qr_svg(q, "Pay \"INV-1\" <now> & 'later'", &b), 0);
	assert_non_null(strstr(buf_str(&b), "aria-label=\"Pay &quot;INV-1&quot; "
	    "&lt;now&gt; &amp; &#39;later&#39;\""));
	buf_reset(&b);
	assert_int_equal(qr_svg(q, "", &b), -1);
	assert_int_equal(qr_svg(q, NULL, &b), -1);
	assert_int_equal(qr_svg(NULL, "x", &b), -1);
	assert_int_equal(qr_svg(q, "x", NULL), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	/* A full buffer is a failure, not a cut drawing. */
	buf_init(&b, 100);
	assert_int_equal(qr_svg(q, "x", &b), -1);
	buf_free(&b);
	qr_free(q);
}

/* Reads lines of block characters back into a grid of drawn cells. */
static void
grid_from_text(const char *s, bool grid[MAXSIDE][MAXSIDE], int side)
{
	int x, y = 0;

	while (*s != '\0') {
		assert_true(y < side);
		for (x = 0; *s != '\n'; x++) {
			assert_true(x < side);
			if (*s == ' ') {
				s++;
				continue;
			}
			if (strncmp(s, "\xe2\x96\x88", 3) == 0) {
				assert_true(y + 1 < side);
				grid[y][x] = grid[y + 1][x] = true;
			} else if (strncmp(s, "\xe2\x96\x80", 3) == 0)
				grid[y][x] = true;
			else if (strncmp(s, "\xe2\x96\x84", 3) == 0) {
				assert_true(y + 1 < side);
				grid[y + 1][x] = true;
			} else
				fail_msg("unexpected byte 0x%02x", (unsigned char)*s);
			s += 3;
		}
		assert_int_equal(x, side);
		s++;
		y += 2;
	}
	assert_int_equal(y, side + 1);	/* the side is odd */
}

static void
test_qr_text(void **state)
{
	static bool grid[MAXSIDE][MAXSIDE];
	struct qr *q = encode("otpauth://totp/Settle:ana%40example.org?secret=ABC");
	int side = qr_size(q) + 2 * QUIET, x, y;
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	memset(grid, 0, sizeof(grid));
	assert_int_equal(qr_text(q, QR_TEXT_LIGHT_TERMINAL, &b), 0);
	grid_from_text(buf_str(&b), grid, side);
	grid_is_symbol(q, grid);
	/* On a dark terminal the light modules are drawn instead. */
	buf_reset(&b);
	memset(grid, 0, sizeof(grid));
	assert_int_equal(qr_text(q, QR_TEXT_DARK_TERMINAL, &b), 0);
	grid_from_text(buf_str(&b), grid, side);
	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++)
			grid[y][x] = !grid[y][x];
	grid_is_symbol(q, grid);
	buf_reset(&b);
	assert_int_equal(qr_text(q, QR_TEXT__MAX, &b), -1);
	assert_int_equal(qr_text(NULL, QR_TEXT_DARK_TERMINAL, &b), -1);
	assert_int_equal(qr_text(q, QR_TEXT_DARK_TERMINAL, NULL), -1);
	buf_free(&b);
	qr_free(q);
}

/* Decodes a PNG with libpng into grey pixels; *side is its width and height. */
static unsigned char *
png_read(const struct buf *b, int *side)
{
	png_image img;
	unsigned char *px;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_memory(&img, b->data, b->len));
	assert_int_equal(img.width, img.height);
	img.format = PNG_FORMAT_GRAY;
	px = malloc(PNG_IMAGE_SIZE(img));
	assert_non_null(px);
	assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));
	*side = (int)img.width;
	return px;
}

static void
test_qr_png_pixels(void **state)
{
	struct qr *q = encode("INV-2026-0147");
	int scales[] = { 1, 3, QR_PNG_MAX_SCALE }, side, n, x, y;
	unsigned char *px;
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, 0);
	for (i = 0; i < sizeof(scales) / sizeof(scales[0]); i++) {
		buf_reset(&b);
		assert_int_equal(qr_png(q, scales[i], &b), 0);
		assert_memory_equal(b.data, "\x89PNG\r\n\x1a\n", 8);
		px = png_read(&b, &side);
		n = qr_size(q) + 2 * QUIET;
		assert_int_equal(side, n * scales[i]);
		for (y = 0; y < side; y++)
			for (x = 0; x < side; x++)
				assert_int_equal(px[y * side + x],
				    qr_dark(q, x / scales[i] - QUIET,
				    y / scales[i] - QUIET) ? 0 : 255);
		free(px);
	}
	buf_reset(&b);
	assert_int_equal(qr_png(q, 0, &b), -1);
	assert_int_equal(qr_png(q, QR_PNG_MAX_SCALE + 1, &b), -1);
	assert_int_equal(qr_png(q, -4, &b), -1);
	assert_int_equal(qr_png(NULL, 4, &b), -1);
	assert_int_equal(qr_png(q, 4, NULL), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	buf_init(&b, 64);
	assert_int_equal(qr_png(q, 4, &b), -1);
	buf_free(&b);
	qr_free(q);
}

/*
 * Writes b to a temporary file and returns the bytes zbarimg reads from
 * it (malloc'd), or NULL when it finds no code. -Sbinary: the bytes as
 * they are, without zbar's guess at a character set (it takes a name of
 * many "ä" for Shift JIS) and without a line feed added.
 */
static char *
zbar(const struct buf *b)
{
	char path[] = "/tmp/settle-qr.XXXXXX", cmd[128], *out;
	size_t n = 0, cap = 4096, r;
	FILE *f;
	int fd, status;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->data, b->len), (ssize_t)b->len);
	assert_int_equal(close(fd), 0);
	(void)snprintf(cmd, sizeof(cmd), "zbarimg --quiet --raw -Sbinary %s 2>/dev/null",
	    path);
	f = popen(cmd, "r");
	assert_non_null(f);
	out = malloc(cap);
	assert_non_null(out);
	while ((r = fread(out + n, 1, cap - 1 - n, f)) > 0)
		n += r;
	status = pclose(f);
	(void)unlink(path);
	out[n] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		fail_msg("zbarimg is not installed (Debian zbar-tools)");
	if (status != 0) {
		free(out);
		return NULL;
	}
	assert_int_equal(strlen(out), n);
	return out;
}

/* Renders payload as a PNG at scale and returns zbarimg's reading. */
static char *
decode_png(const char *payload, int scale)
{
	struct qr *q = encode(payload);
	struct buf b;
	char *got;

	buf_init(&b, 0);
	assert_int_equal(qr_png(q, scale, &b), 0);
	got = zbar(&b);
	buf_free(&b);
	qr_free(q);
	return got;
}

/* Splits an EPC payload into its 12 elements (absent trailing ones ""). */
static void
epc_lines(char *s, const char *line[12])
{
	int i;

	for (i = 0; i < 12; i++) {
		if (s == NULL) {
			line[i] = "";
			continue;
		}
		line[i] = s;
		if ((s = strchr(s, '\n')) != NULL)
			*s++ = '\0';
	}
	assert_null(s);		/* no thirteenth line */
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* Builds t's payload, draws it, decodes it with zbar and checks every field. */
static void
epc_roundtrip(const struct epc_transfer *t, const char *iban,
    const char *amount, const char *reference, int scale)
{
	char payload[EPC_PAYLOAD_SIZE], *got;
	const char *f[12];

	assert_int_equal(epc_payload(t, payload, NULL), EPC_OK);
	got = decode_png(payload, scale);
	if (got == NULL)
		fail_msg("zbarimg found no code (scale %d)", scale);
	assert_string_equal(got, payload);
	epc_lines(got, f);
	assert_string_equal(f[0], "BCD");
	assert_string_equal(f[1], t->version == 1 ? "001" : "002");
	assert_string_equal(f[2], "1");
	assert_string_equal(f[3], "SCT");
	assert_string_equal(f[4], or_empty(t->bic));
	assert_string_equal(f[5], t->name);
	assert_string_equal(f[6], iban);
	assert_string_equal(f[7], amount);
	assert_string_equal(f[8], or_empty(t->purpose));
	assert_string_equal(f[9], reference);
	assert_string_equal(f[10], or_empty(t->text));
	assert_string_equal(f[11], or_empty(t->info));
	free(got);
}

static void
test_qr_png_decodes_epc(void **state)
{
	struct epc_transfer t = {
		.version = 2,
		.bic = "COBADEFFXXX",
		.name = "Northwind Trading GmbH",
		.iban = "DE89 3704 0044 0532 0130 00",
		.cents = 45490,
		.text = "INV-2026-0147",
	};

	(void)state;
	epc_roundtrip(&t, "DE89370400440532013000", "EUR454.90", "", 6);
	/* An installment: its own amount, the same reference. */
	t.cents = 11367;
	epc_roundtrip(&t, "DE89370400440532013000", "EUR113.67", "", 4);
	/* No BIC, accented name, purpose and information. */
	t.bic = NULL;
	t.name = "Caf\xc3\xa9 M\xc3\xbcller \xe2\x80\x93 Z\xc3\xbcrich";
	t.purpose = "GDDS";
	t.info = "Danke \xe2\x82\xac";
	t.cents = 1;
	epc_roundtrip(&t, "DE89370400440532013000", "EUR0.01", "", 3);
	/* A structured reference instead of text, version 1. */
	t.version = 1;
	t.bic = "BPOTBEB1";
	t.iban = "be68 5390 0754 7034";
	t.text = NULL;
	t.reference = "RF18 5390 0754 7034";
	t.cents = EPC_AMOUNT_MAX;
	epc_roundtrip(&t, "BE68539007547034", "EUR999999999.99",
	    "RF18539007547034", 4);
}

/* The largest payload the guideline allows, at the smallest scale. */
static void
test_qr_png_decodes_longest_epc(void **state)
{
	char name[EPC_NAME_MAX * 2 + 1], text[EPC_TEXT_MAX * 3 + 1];
	char payload[EPC_PAYLOAD_SIZE];
	struct epc_transfer t = {
		.version = 2,
		.iban = "DE89370400440532013000",
		.cents = 99999,
		.info = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
	};
	size_t len, i;

	(void)state;
	for (i = 0; i < EPC_NAME_MAX; i++)
		memcpy(name + 2 * i, "\xc3\xa4", 2);
	name[2 * EPC_NAME_MAX] = '\0';
	t.name = name;
	t.text = "";
	assert_int_equal(epc_payload(&t, payload, &len), EPC_OK);
	/* Fill the text so the payload is exactly 331 bytes. */
	memset(text, 'T', EPC_MAX_PAYLOAD - len);
	text[EPC_MAX_PAYLOAD - len] = '\0';
	t.text = text;
	assert_int_equal(epc_payload(&t, payload, &len), EPC_OK);
	assert_int_equal(len, EPC_MAX_PAYLOAD);
	epc_roundtrip(&t, "DE89370400440532013000", "EUR999.99", "", 2);
}

static void
test_qr_png_decodes_totp_uri(void **state)
{
	const char *uri = "otpauth://totp/Settle:ana%40northwind.example?"
	    "secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Settle";
	char *got = decode_png(uri, 4);

	(void)state;
	assert_non_null(got);
	assert_string_equal(got, uri);
	free(got);
}

/*
 * The decoder is no rubber stamp: the same PNG with one finder pattern
 * painted over (a readable image, no readable code) gives nothing.
 */
static void
test_qr_png_damage_is_seen(void **state)
{
	struct qr *q = encode("BCD\n002\n1\nSCT\n\nNorthwind\nBE68539007547034\nEUR1.00");
	png_alloc_size_t n = 0;
	unsigned char *px;
	png_image img;
	struct buf b;
	int side, x, y, scale = 4;
	char *got;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(qr_png(q, scale, &b), 0);
	got = zbar(&b);
	assert_non_null(got);
	free(got);
	px = png_read(&b, &side);
	for (y = 0; y < (QUIET + 8) * scale; y++)
		for (x = 0; x < (QUIET + 8) * scale; x++)
			px[y * side + x] = 255;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = img.height = (png_uint_32)side;
	img.format = PNG_FORMAT_GRAY;
	assert_true(png_image_write_get_memory_size(img, n, 0, px, 0, NULL));
	buf_reset(&b);
	assert_int_equal(buf_reserve(&b, n), 0);
	assert_true(png_image_write_to_memory(&img, b.data, &n, 0, px, 0, NULL));
	b.len = n;
	assert_null(zbar(&b));
	free(px);
	buf_free(&b);
	qr_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qr_encode_limits),
		cmocka_unit_test(test_qr_small),
		cmocka_unit_test(test_qr_epc_max_version),
		cmocka_unit_test(test_qr_svg),
		cmocka_unit_test(test_qr_svg_label),
		cmocka_unit_test(test_qr_text),
		cmocka_unit_test(test_qr_png_pixels),
		cmocka_unit_test(test_qr_png_decodes_epc),
		cmocka_unit_test(test_qr_png_decodes_longest_epc),
		cmocka_unit_test(test_qr_png_decodes_totp_uri),
		cmocka_unit_test(test_qr_png_damage_is_seen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
