#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "buf.h"
#include "mail.h"
#include "utf8.h"

/*
 * Bytes of text per encoded word: 52 of base64, a 64-character word, so
 * "Subject: " and a word stay within RFC 2047's 76 characters a line.
 */
#define ENCODED_CHUNK	39
#define HEADER_LINE_MAX	76

/* A language tag for Content-Language: letters, digits and '-' only. */
static bool
language_safe(const char *s)
{
	return s == NULL || (strlen(s) < 36 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(s));
}

bool
mail_address_valid(const char *a)
{
	const char	*at;
	size_t		 n;

	if (a == NULL || (n = strlen(a)) == 0 || n > 254)
		return false;
	if (strpbrk(a, " \t\r\n\"<>(),;:\\[]") != NULL)
		return false;
	at = strchr(a, '@');
	return at != NULL && at != a && at[1] != '\0' && strchr(at + 1, '@') == NULL;
}

static bool
header_safe(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") == NULL;
}

static bool
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* RFC 2047 "B" encoded words, folded onto continuation lines. */
static int
put_encoded(struct buf *out, const char *s)
{
	char	b64[sodium_base64_ENCODED_LEN(ENCODED_CHUNK,
	    sodium_base64_VARIANT_ORIGINAL)];
	size_t	len = strlen(s), n;
	int	first = 1;

	while (len > 0) {
		n = utf8_prefix(s, len, ENCODED_CHUNK);
		(void)sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s,
		    n, sodium_base64_VARIANT_ORIGINAL);
		if (buf_printf(out, "%s=?UTF-8?B?%s?=", first ? "" : "\n ", b64) == -1)
			return -1;
		first = 0;
		s += n;
		len -= n;
	}
	return 0;
}

/* A display name: quoted when ASCII, encoded otherwise. */
static int
put_name(struct buf *out, const char *name)
{
	if (!is_ascii(name))
		return put_encoded(out, name);
	if (buf_putc(out, '"') == -1)
		return -1;
	for (; *name != '\0'; name++)
		if ((*name == '"' || *name == '\\') && buf_putc(out, '\\') == -1)
			return -1;
		else if (buf_putc(out, *name) == -1)
			return -1;
	return buf_putc(out, '"');
}

/* Length of the line being written at the end of out. */
static size_t
current_line(const struct buf *out)
{
	const char	*nl = memrchr(buf_str(out), '\n', out->len);

	return nl == NULL ? out->len : out->len - (size_t)(nl - out->data) - 1;
}

/* The domain of the From address, for the Message-ID. */
static const char *
from_domain(const char *from, char *domain, size_t size)
{
	const char	*at = strrchr(from, '@');
	size_t		 n;

	if (at == NULL)
		return "localhost";
	n = strcspn(at + 1, ">");
	if (n == 0 || n >= size)
		return "localhost";
	memcpy(domain, at + 1, n);
	domain[n] = '\0';
	return domain;
}

/* "Date: ...\nMessage-ID: <random@domain of from>\n" */
static int
put_date_id(struct buf *out, time_t when, const char *from)
{
	unsigned char	 rnd[12];
	char		 id[25], date[64], domain[256];
	struct tm	 tm;

	randombytes_buf(rnd, sizeof(rnd));
	(void)sodium_bin2hex(id, sizeof(id), rnd, sizeof(rnd));
	if (gmtime_r(&when, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm) == 0)
		return -1;
	return buf_printf(out, "Date: %s\nMessage-ID: <%s@%s>\n", date, id,
	    from_domain(from, domain, sizeof(domain)));
}

/* "To: name <addr>\n", the name quoted or encoded, folded when long. */
static int
put_to(struct buf *out, const char *to, const char *to_name)
{
	if (buf_puts(out, "To: ") == -1)
		return -1;
	if (to_name != NULL && to_name[0] != '\0' &&
	    (put_name(out, to_name) == -1 ||
	    buf_puts(out, current_line(out) + strlen(to) + 3 > HEADER_LINE_MAX ?
	    "\n " : " ") == -1))
		return -1;
	return buf_printf(out, "<%s>\n", to);
}

static int
put_headers(const struct mail *m, struct buf *out)
{
	if (buf_printf(out, "From: %s\n", m->from) == -1 ||
	    put_to(out, m->to, m->to_name) == -1 ||
	    buf_puts(out, "Subject: ") == -1)
		return -1;
	if (is_ascii(m->subject) ? buf_puts(out, m->subject) :
	    put_encoded(out, m->subject))
		return -1;
	if (buf_putc(out, '\n') == -1 || put_date_id(out, m->date, m->from) == -1)
		return -1;
	if (m->language != NULL && m->language[0] != '\0' &&
	    buf_printf(out, "Content-Language: %s\n", m->language) == -1)
		return -1;
	if (m->unsubscribe_url != NULL) {
		if (buf_printf(out, "List-Unsubscribe: <%s>", m->unsubscribe_url) == -1)
			return -1;
		if (m->unsubscribe_mailto != NULL &&
		    buf_printf(out, ",\n <%s>", m->unsubscribe_mailto) == -1)
			return -1;
		if (buf_puts(out, "\nList-Unsubscribe-Post: "
		    "List-Unsubscribe=One-Click\n") == -1)
			return -1;
	}
	return buf_puts(out, "MIME-Version: 1.0\n");
}

/* Appends n bytes of s without their CRs. */
static int
put_text(struct buf *out, const char *s, size_t n)
{
	size_t	i, start = 0;

	for (i = 0; i < n; i++)
		if (s[i] == '\r') {
			if (buf_append(out, s + start, i - start) == -1)
				return -1;
			start = i + 1;
		}
	return buf_append(out, s + start, n - start);
}

/* The body, with CRs dropped and any line over MAIL_MAX_LINE wrapped. */
static int
put_body(const char *body, struct buf *out)
{
	size_t	len = strlen(body), line, n;

	while (len > 0) {
		line = strcspn(body, "\n");
		while (line > MAIL_MAX_LINE) {
			n = utf8_prefix(body, line, MAIL_MAX_LINE);
			if (put_text(out, body, n) == -1 || buf_putc(out, '\n') == -1)
				return -1;
			body += n;
			len -= n;
			line -= n;
		}
		if (put_text(out, body, line) == -1 || buf_putc(out, '\n') == -1)
			return -1;
		body += line;
		len -= line;
		if (len > 0) {		/* the newline */
			body++;
			len--;
		}
	}
	return 0;
}

/*
 * A URI for List-Unsubscribe: printable ASCII without spaces, angle
 * brackets or commas (they delimit the list), of a sane length.
 */
static bool
uri_safe(const char *s, const char *scheme)
{
	size_t	n;

	if (s == NULL)
		return true;
	n = strlen(s);
	if (n <= strlen(scheme) || n > 900 || strncmp(s, scheme, strlen(scheme)) != 0)
		return false;
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s > '~' || strchr("<>,\"", *s) != NULL)
			return false;
	return true;
}

/* A MIME token or Content-ID: letters, digits and . _ - @ / only. */
static bool
token_safe(const char *s)
{
	size_t	n;

	return s != NULL && (n = strlen(s)) > 0 && n < 100 &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-@/") == n;
}

static const char text_part[] = "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n";
static const char html_part[] = "Content-Type: text/html; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n";
static const char auto_submitted[] = "Auto-Submitted: auto-generated\n";

/* A fresh MIME boundary that occurs in no part of m. */
static int
new_boundary(const struct mail *m, const char *tag, char *b, size_t size)
{
	unsigned char	rnd[12];
	char		hex[25];

	randombytes_buf(rnd, sizeof(rnd));
	(void)sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	if ((size_t)snprintf(b, size, "=_settle_%s_%s", tag, hex) >= size)
		return -1;
	if (strstr(m->body, b) != NULL || (m->html != NULL && strstr(m->html, b)))
		return -1;
	return 0;
}

/* One text part: its headers, a blank line, the body. */
static int
put_text_part(struct buf *out, const char *boundary, const char *headers,
    const char *body)
{
	if (buf_printf(out, "--%s\n%s\n", boundary, headers) == -1)
		return -1;
	return put_body(body, out);
}

/* The text and its HTML alternative, as multipart/alternative. */
static int
put_alternative(const struct mail *m, struct buf *out, const char *boundary)
{
	if (put_text_part(out, boundary, text_part, m->body) == -1 ||
	    put_text_part(out, boundary, html_part, m->html) == -1)
		return -1;
	return buf_printf(out, "--%s--\n", boundary);
}

/* The image part, base64 in lines of 76. */
static int
put_image(const struct mail_image *img, struct buf *out, const char *boundary)
{
	char	line[77];
	size_t	off, n;

	if (buf_printf(out, "--%s\nContent-Type: %s; name=\"%s\"\n"
	    "Content-Transfer-Encoding: base64\n", boundary, img->type,
	    img->filename) == -1)
		return -1;
	if (img->cid == NULL ? buf_printf(out, "Content-Disposition: attachment; "
	    "filename=\"%s\"\n\n", img->filename) == -1 :
	    buf_printf(out, "Content-ID: <%s>\nContent-Disposition: inline; "
	    "filename=\"%s\"\n\n", img->cid, img->filename) == -1)
		return -1;
	for (off = 0; off < img->len; off += n) {
		n = img->len - off < 57 ? img->len - off : 57;
		(void)sodium_bin2base64(line, sizeof(line), img->data + off, n,
		    sodium_base64_VARIANT_ORIGINAL);
		if (buf_printf(out, "%s\n", line) == -1)
			return -1;
	}
	return 0;
}

/* Everything after MIME-Version: the content headers, then the parts. */
static int
put_content(const struct mail *m, struct buf *out)
{
	char	outer[64], inner[64];

	if (m->html == NULL && m->image == NULL)
		return buf_printf(out, "%s%s\n", text_part, auto_submitted) == -1 ?
		    -1 : put_body(m->body, out);
	if (new_boundary(m, "a", inner, sizeof(inner)) == -1 ||
	    new_boundary(m, "b", outer, sizeof(outer)) == -1)
		return -1;
	if (m->image == NULL)
		return buf_printf(out, "Content-Type: multipart/alternative; "
		    "boundary=\"%s\"\n%s\n", inner, auto_submitted) == -1 ? -1 :
		    put_alternative(m, out, inner);
	if (m->html == NULL) {
		if (buf_printf(out, "Content-Type: multipart/mixed; "
		    "boundary=\"%s\"\n%s\n", outer, auto_submitted) == -1 ||
		    put_text_part(out, outer, text_part, m->body) == -1)
			return -1;
	} else if (buf_printf(out, "Content-Type: multipart/related; "
	    "boundary=\"%s\";\n type=\"multipart/alternative\"\n%s\n--%s\n"
	    "Content-Type: multipart/alternative; boundary=\"%s\"\n\n", outer,
	    auto_submitted, outer, inner) == -1 ||
	    put_alternative(m, out, inner) == -1)
		return -1;
	if (put_image(m->image, out, outer) == -1)
		return -1;
	return buf_printf(out, "--%s--\n", outer);
}

static bool
image_safe(const struct mail_image *img)
{
	return img == NULL || ((img->cid == NULL || token_safe(img->cid)) &&
	    token_safe(img->filename) &&
	    token_safe(img->type) && img->data != NULL && img->len > 0 &&
	    img->len <= 1024 * 1024);
}

int
mail_compose(const struct mail *m, struct buf *out)
{
	if (!header_safe(m->from) || !mail_address_valid(m->to) ||
	    (m->to_name != NULL && !header_safe(m->to_name)) ||
	    !header_safe(m->subject) || m->body == NULL ||
	    !language_safe(m->language) ||
	    !utf8_valid(m->subject, strlen(m->subject)) ||
	    !utf8_valid(m->body, strlen(m->body)) ||
	    (m->html != NULL && !utf8_valid(m->html, strlen(m->html))) ||
	    !uri_safe(m->unsubscribe_url, "https://") ||
	    (m->unsubscribe_url != NULL && !uri_safe(m->unsubscribe_mailto, "mailto:")) ||
	    !image_safe(m->image) ||
	    (m->to_name != NULL && !utf8_valid(m->to_name, strlen(m->to_name))))
		return -1;
	if (put_headers(m, out) == -1 || put_content(m, out) == -1)
		return -1;
	return buf_failed(out) ? -1 : 0;
}

/* One header of a stored message, with its continuation lines. */
struct header {
	const char	*at;		/* its first byte */
	size_t		 len;		/* through its last newline */
	size_t		 namelen;
};

/* The header at p (before end), or false at the blank line or junk. */
static bool
next_header(const char *p, const char *end, struct header *h)
{
	const char	*nl, *colon;

	if (p >= end || *p == '\n' || *p == ' ' || *p == '\t')
		return false;
	if ((colon = memchr(p, ':', (size_t)(end - p))) == NULL ||
	    (nl = memchr(p, '\n', (size_t)(end - p))) == NULL || colon > nl)
		return false;
	h->at = p;
	h->namelen = (size_t)(colon - p);
	while (nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t'))
		if ((nl = memchr(nl + 1, '\n', (size_t)(end - nl - 1))) == NULL)
			return false;
	h->len = (size_t)(nl - p) + 1;
	return true;
}

static bool
header_is(const struct header *h, const char *name)
{
	return h->namelen == strlen(name) && strncasecmp(h->at, name,
	    h->namelen) == 0;
}

/* What describes the content: Content-* but Content-Language. */
static bool
header_of_content(const struct header *h)
{
	return h->namelen > 8 && strncasecmp(h->at, "Content-", 8) == 0 &&
	    !header_is(h, "Content-Language");
}

/* The value of orig's From header, copied into from (size bytes). */
static int
find_from(const char *orig, const char *end, char *from, size_t size)
{
	struct header	 h;
	const char	*p = orig, *v;
	size_t		 n;

	for (; next_header(p, end, &h); p += h.len) {
		if (!header_is(&h, "From"))
			continue;
		v = h.at + h.namelen + 1;
		v += strspn(v, " ");
		n = (size_t)(h.at + h.len - 1 - v);
		if (n == 0 || n >= size || memchr(v, '\n', n) != NULL)
			return -1;
		memcpy(from, v, n);
		from[n] = '\0';
		return 0;
	}
	return -1;
}

static bool
attachment_safe(const struct mail_attachment *a)
{
	return a == NULL || (token_safe(a->filename) && token_safe(a->type) &&
	    (a->method == NULL || token_safe(a->method)) && a->data != NULL &&
	    a->len > 0 && a->len <= 1024 * 1024);
}

/* The attached file's part, base64 in lines of 76. */
static int
put_attachment(const struct mail_attachment *a, struct buf *out,
    const char *boundary)
{
	char	line[77];
	size_t	off, n;

	if (buf_printf(out, "--%s\nContent-Type: %s%s%s%s; name=\"%s\"\n"
	    "Content-Transfer-Encoding: base64\n"
	    "Content-Disposition: attachment; filename=\"%s\"\n\n", boundary,
	    a->type, strncmp(a->type, "text/", 5) == 0 ? "; charset=utf-8" : "",
	    a->method != NULL ? "; method=" : "", a->method != NULL ? a->method : "",
	    a->filename, a->filename) == -1)
		return -1;
	for (off = 0; off < a->len; off += n) {
		n = a->len - off < 57 ? a->len - off : 57;
		(void)sodium_bin2base64(line, sizeof(line), a->data + off, n,
		    sodium_base64_VARIANT_ORIGINAL);
		if (buf_printf(out, "%s\n", line) == -1)
			return -1;
	}
	return 0;
}

/*
 * The headers of orig (up to end) to out with To, Date and Message-ID
 * new; with content != NULL the content headers go there instead.
 */
static int
copy_headers(const char *orig, const char *end, time_t date, const char *to,
    const char *to_name, const char *from, struct buf *out, struct buf *content)
{
	struct header	 h;
	const char	*p;
	bool		 to_done = false, date_done = false;

	for (p = orig; next_header(p, end, &h); p += h.len) {
		if (header_is(&h, "To")) {
			if (!to_done && put_to(out, to, to_name) == -1)
				return -1;
			to_done = true;
		} else if (header_is(&h, "Date") || header_is(&h, "Message-ID")) {
			if (!date_done && put_date_id(out, date, from) == -1)
				return -1;
			date_done = true;
		} else if (buf_append(content != NULL && header_of_content(&h) ?
		    content : out, h.at, h.len) == -1)
			return -1;
	}
	if (p != end || !to_done || !date_done)
		return -1;
	return 0;
}

int
mail_recopy(const char *orig, time_t date, const char *to, const char *to_name,
    const struct mail_attachment *att, struct buf *out)
{
	struct buf	 content;
	const char	*end, *body;
	char		 from[512], boundary[64], hex[25];
	unsigned char	 rnd[12];
	size_t		 blen;
	int		 rc = -1;

	buf_init(&content, 4096);
	if (!mail_address_valid(to) || (to_name != NULL && (!header_safe(to_name) ||
	    !utf8_valid(to_name, strlen(to_name)))) || !attachment_safe(att) ||
	    !utf8_valid(orig, strlen(orig)) ||
	    (end = strstr(orig, "\n\n")) == NULL)
		goto out;
	end++;			/* the headers end with their newline */
	body = end + 1;
	if (find_from(orig, end, from, sizeof(from)) == -1)
		goto out;
	randombytes_buf(rnd, sizeof(rnd));
	(void)sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	(void)snprintf(boundary, sizeof(boundary), "=_settle_m_%s", hex);
	if (att != NULL && strstr(orig, boundary) != NULL)
		goto out;
	if (copy_headers(orig, end, date, to, to_name, from, out,
	    att != NULL ? &content : NULL) == -1)
		goto out;
	if (att == NULL) {
		rc = buf_printf(out, "\n%s", body) == -1 || buf_failed(out) ? -1 : 0;
		goto out;
	}
	blen = strlen(body);
	if (buf_printf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\n\n"
	    "--%s\n", boundary, boundary) == -1 ||
	    buf_append(out, content.data, content.len) == -1 ||
	    buf_printf(out, "\n%s%s", body, blen > 0 && body[blen - 1] == '\n' ?
	    "" : "\n") == -1 || put_attachment(att, out, boundary) == -1 ||
	    buf_printf(out, "--%s--\n", boundary) == -1)
		goto out;
	rc = buf_failed(out) ? -1 : 0;
out:
	buf_free(&content);
	return rc;
}

int
mail_split(const char *text, char *subject, size_t subjsz, const char **body)
{
	const char	*nl;
	size_t		 n;

	if (strncmp(text, "Subject: ", 9) != 0 || (nl = strchr(text, '\n')) == NULL)
		return -1;
	n = (size_t)(nl - text) - 9;
	if (n > 0 && text[9 + n - 1] == '\r')	/* a template saved with CRLF */
		n--;
	if (n == 0 || n >= subjsz)
		return -1;
	memcpy(subject, text + 9, n);
	subject[n] = '\0';
	nl++;
	while (*nl == '\n' || *nl == '\r')
		nl++;
	*body = nl;
	return 0;
}
