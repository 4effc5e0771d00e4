/*
 * libFuzzer target for the catalog parsers. The first byte picks what the
 * rest is: a PO catalog (every entry found must be found again by its key,
 * and its strings be UTF-8), a Plural-Forms value (every form it gives must
 * be below nplurals), a template text to scan for {{#t}} marks (each mark
 * lies inside the text, and translating it for the source keeps it
 * compiling or fails cleanly), or an Accept-Language header (always one of
 * the loaded languages).
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "i18n.h"
#include "mustache.h"
#include "plural.h"
#include "po.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static struct i18n	*langs;

static void
put(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	CHECK(f != NULL && fputs(text, f) >= 0 && fclose(f) == 0);
}

/* Three languages to choose among: en, es, fr. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char			 dir[] = "/tmp/fuzz_po.XXXXXX", path[96];
	struct mustache_error	 err;

	(void)argc;
	(void)argv;
	CHECK(mkdtemp(dir) != NULL);
	(void)snprintf(path, sizeof(path), "%s/po", dir);
	CHECK(mkdir(path, 0700) == 0);
	(void)snprintf(path, sizeof(path), "%s/lang_name.mustache", dir);
	put(path, "{{#t}}English{{/t}}");
	(void)snprintf(path, sizeof(path), "%s/po/es.po", dir);
	put(path, "msgid \"\"\nmsgstr \"Language: es\\nPlural-Forms: nplurals=2; "
	    "plural=(n != 1);\\n\"\n\nmsgid \"English\"\nmsgstr \"Español\"\n");
	(void)snprintf(path, sizeof(path), "%s/po/fr.po", dir);
	put(path, "msgid \"\"\nmsgstr \"Language: fr\\nPlural-Forms: nplurals=2; "
	    "plural=(n > 1);\\n\"\n\nmsgid \"English\"\nmsgstr \"Français\"\n");
	(void)snprintf(path, sizeof(path), "%s/po", dir);
	CHECK(i18n_load(dir, path, &langs, &err) == 0);
	/* Loaded: the files are no longer needed. */
	(void)snprintf(path, sizeof(path), "%s/po/es.po", dir);
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/po/fr.po", dir);
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/po", dir);
	(void)rmdir(path);
	(void)snprintf(path, sizeof(path), "%s/lang_name.mustache", dir);
	(void)unlink(path);
	(void)rmdir(dir);
	return 0;
}

static void
catalog(const char *text, size_t n)
{
	const struct po_entry	*e;
	struct po		*po = NULL;
	char			 err[160];
	size_t			 i;
	unsigned		 k;

	if (po_parse(text, n, &po, err, sizeof(err)) == -1) {
		CHECK(po == NULL && strncmp(err, "line ", 5) == 0);
		return;
	}
	for (i = 0; i < po_count(po); i++) {
		e = po_at(po, i);
		CHECK(po_find(po, e->ctxt, e->id) == e);
		CHECK(e->nstr >= 1 && e->nstr <= PLURAL_MAX_FORMS);
		for (k = 0; k < e->nstr; k++)
			CHECK(utf8_valid(e->str[k], strlen(e->str[k])));
	}
	po_free(po);
}

static void
forms(const char *text)
{
	struct plural	p;
	char		err[160];
	uint64_t	n;

	if (plural_parse(&p, text, err, sizeof(err)) == -1)
		return;
	CHECK(p.nplurals >= 1 && p.nplurals <= PLURAL_MAX_FORMS);
	for (n = 0; n < 300; n++)
		CHECK(plural_form(&p, n) < p.nplurals);
	CHECK(plural_form(&p, UINT64_MAX) < p.nplurals);
}

static void
marks(const char *text, size_t n)
{
	struct mustache_error	 err;
	struct i18n_msg		 m;
	struct buf		 out;
	size_t			 pos = 0, last = 0;
	char			 msg[160];
	int			 r;

	while ((r = i18n_next(text, n, &pos, &m, msg, sizeof(msg))) == 1) {
		CHECK(m.start >= last && m.end <= n && m.start < m.end);
		CHECK(m.id >= text && m.id + m.idlen <= text + n && m.idlen > 0);
		(void)i18n_same_tags(m.id, m.idlen, m.id, m.idlen);	/* false past 64 tags */
		last = m.end;
	}
	buf_init(&out, 0);
	r = i18n_translate(NULL, "t", text, n, &out, &err);
	CHECK(r == 0 || r == -1);
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			*s;
	const struct i18n_lang	*l;
	size_t			 i;

	if (size < 1)
		return 0;
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 4) {
	case 0:
		catalog(s, size - 1);
		break;
	case 1:
		forms(s);
		break;
	case 2:
		marks(s, size - 1);
		break;
	default:
		l = i18n_accept(langs, s);
		for (i = 0; i < i18n_count(langs) && i18n_at(langs, i) != l; i++)
			continue;
		CHECK(i < i18n_count(langs));
		break;
	}
	free(s);
	return 0;
}
