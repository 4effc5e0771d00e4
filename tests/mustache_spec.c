/*
 * Mustache conformance runner: build/mustache-spec DIR runs every test of
 * every *.json file in DIR (the official spec's format: tests[] with name,
 * data, template, partials, expected) and prints per file
 * "FILE: N passed, N failed", then the totals. Tests whose data holds a
 * lambda ({"__tag__": "code"}) are skipped and counted on stderr.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "arena.h"
#include "buf.h"
#include "mustache.h"
#include "view.h"

/* Partial names are arbitrary JSON keys; this one is checked for clashes. */
#define SPEC_TEMPLATE	"(spec template)"
#define SPEC_MAX_FILE	(16u * 1024 * 1024)
#define SPEC_MAX_DEPTH	200

enum outcome { PASS, FAIL, SKIP };

struct counts {
	unsigned	 passed, failed, skipped;
};

static struct view *to_view(struct arena *, const cJSON *, int);

/*
 * A JSON number as a view: integral values in range become integers, others
 * the shortest decimal string that reads back as the same double.
 */
static struct view *
number_view(struct arena *a, double d)
{
	char	 s[64];
	int	 prec, n;

	if (d >= -9.2e18 && d <= 9.2e18 && (double)(int64_t)d == d)
		return view_int(a, (int64_t)d);
	for (prec = 1; prec <= 17; prec++) {
		n = snprintf(s, sizeof(s), "%.*g", prec, d);
		if (n < 0 || (size_t)n >= sizeof(s))
			return NULL;
		if (strtod(s, NULL) == d)
			break;
	}
	return view_str(a, s);
}

/* Converts a JSON object or array's children into map or list v. */
static struct view *
container_view(struct arena *a, const cJSON *j, int depth)
{
	const cJSON	*c;
	struct view	*v;

	v = cJSON_IsArray(j) ? view_list(a) : view_map(a);
	cJSON_ArrayForEach(c, j) {
		if (cJSON_IsArray(j)) {
			if (view_push(v, to_view(a, c, depth + 1)) == -1)
				return NULL;
		} else if (view_set(v, c->string, to_view(a, c, depth + 1)) == -1)
			return NULL;
	}
	return v;
}

/* Converts JSON j into a view tree in a; NULL on failure. */
static struct view *
to_view(struct arena *a, const cJSON *j, int depth)
{
	if (depth > SPEC_MAX_DEPTH)
		return NULL;
	if (cJSON_IsNull(j))
		return view_null(a);
	if (cJSON_IsBool(j))
		return view_bool(a, cJSON_IsTrue(j));
	if (cJSON_IsNumber(j))
		return number_view(a, j->valuedouble);
	if (cJSON_IsString(j))
		return view_str(a, j->valuestring);
	if (cJSON_IsArray(j) || cJSON_IsObject(j))
		return container_view(a, j, depth);
	return NULL;
}

/* True when j holds a lambda, {"__tag__": "code", ...}, at any depth. */
static bool
has_lambda(const cJSON *j)
{
	const cJSON	*c, *tag;

	if (cJSON_IsObject(j)) {
		tag = cJSON_GetObjectItemCaseSensitive(j, "__tag__");
		if (cJSON_IsString(tag) && strcmp(tag->valuestring, "code") == 0)
			return true;
	}
	if (cJSON_IsObject(j) || cJSON_IsArray(j))
		cJSON_ArrayForEach(c, j)
			if (has_lambda(c))
				return true;
	return false;
}

/* Prints why test t failed. */
static void
report(const char *file, const cJSON *t, const char *why, const char *actual)
{
	const cJSON	*name = cJSON_GetObjectItemCaseSensitive(t, "name");
	const cJSON	*tpl = cJSON_GetObjectItemCaseSensitive(t, "template");
	const cJSON	*exp = cJSON_GetObjectItemCaseSensitive(t, "expected");

	fprintf(stderr, "FAIL %s: %s\n  %s\n  template: [%s]\n"
	    "  expected: [%s]\n  actual:   [%s]\n", file,
	    cJSON_IsString(name) ? name->valuestring : "?", why,
	    cJSON_IsString(tpl) ? tpl->valuestring : "?",
	    cJSON_IsString(exp) ? exp->valuestring : "?",
	    actual != NULL ? actual : "");
}

/* Adds the test's partials and template to set; 0, or -1 with why set. */
static int
add_templates(struct mustache_set *set, const cJSON *t, char *why, size_t n)
{
	const cJSON		*parts, *p, *tpl;
	struct mustache_error	 err;

	parts = cJSON_GetObjectItemCaseSensitive(t, "partials");
	cJSON_ArrayForEach(p, parts) {
		if (!cJSON_IsString(p) || strcmp(p->string, SPEC_TEMPLATE) == 0) {
			snprintf(why, n, "bad partial '%s'", p->string);
			return -1;
		}
		if (mustache_set_add(set, p->string, p->valuestring,
		    strlen(p->valuestring), &err) == -1)
			goto fail;
	}
	tpl = cJSON_GetObjectItemCaseSensitive(t, "template");
	if (!cJSON_IsString(tpl)) {
		snprintf(why, n, "no template");
		return -1;
	}
	if (mustache_set_add(set, SPEC_TEMPLATE, tpl->valuestring,
	    strlen(tpl->valuestring), &err) == 0)
		return 0;
fail:
	snprintf(why, n, "compile error: %s:%u:%u: %s", err.template,
	    err.line, err.column, err.message);
	return -1;
}

/* Runs test t of file; PASS, FAIL or SKIP. */
static enum outcome
run_test(const char *file, const cJSON *t)
{
	struct mustache_set	*set = NULL;
	struct arena		*a = NULL;
	struct view		*data;
	struct mustache_error	 err;
	struct buf		 out;
	const cJSON		*exp, *jdata;
	char			 why[512] = "";
	enum outcome		 rc = FAIL;

	buf_init(&out, 0);
	jdata = cJSON_GetObjectItemCaseSensitive(t, "data");
	exp = cJSON_GetObjectItemCaseSensitive(t, "expected");
	if (has_lambda(jdata))
		return SKIP;
	if ((set = mustache_set_new()) == NULL || (a = arena_new()) == NULL) {
		snprintf(why, sizeof(why), "out of memory");
		goto out;
	}
	if (add_templates(set, t, why, sizeof(why)) == -1)
		goto out;
	if ((data = to_view(a, jdata, 0)) == NULL || arena_failed(a)) {
		snprintf(why, sizeof(why), "cannot convert data");
		goto out;
	}
	if (mustache_render(set, SPEC_TEMPLATE, data, MUSTACHE_HTML, &out,
	    &err) == -1) {
		snprintf(why, sizeof(why), "render error: %s:%u:%u: %s",
		    err.template, err.line, err.column, err.message);
		goto out;
	}
	if (!cJSON_IsString(exp) || strcmp(buf_str(&out), exp->valuestring)) {
		snprintf(why, sizeof(why), "output differs");
		goto out;
	}
	rc = PASS;
out:
	if (rc == FAIL)
		report(file, t, why, buf_str(&out));
	buf_free(&out);
	arena_free(a);
	mustache_set_free(set);
	return rc;
}

/* Reads path into a NUL-terminated string; NULL on failure. */
static char *
slurp(const char *path)
{
	FILE	*f = NULL;
	char	*s = NULL, *res = NULL;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL ||
	    (s = malloc(SPEC_MAX_FILE + 1)) == NULL)
		goto out;
	n = fread(s, 1, SPEC_MAX_FILE + 1, f);
	if (ferror(f) || n > SPEC_MAX_FILE)
		goto out;
	s[n] = '\0';
	res = s;
	s = NULL;
out:
	if (f != NULL)
		fclose(f);
	free(s);
	return res;
}

/* Runs every test of the JSON file path, adding to c; 0 or -1. */
static int
run_file(const char *path, const char *base, struct counts *total)
{
	struct counts	 c = { 0, 0, 0 };
	cJSON		*root = NULL;
	const cJSON	*t;
	char		*text = NULL;
	int		 rc = -1;

	if ((text = slurp(path)) == NULL || (root = cJSON_Parse(text)) == NULL) {
		fprintf(stderr, "%s: cannot read or parse\n", path);
		goto out;
	}
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(root, "tests")) {
		switch (run_test(base, t)) {
		case PASS: c.passed++; break;
		case FAIL: c.failed++; break;
		case SKIP: c.skipped++; break;
		}
	}
	printf("%s: %u passed, %u failed\n", base, c.passed, c.failed);
	if (c.skipped > 0)
		fprintf(stderr, "%s: %u skipped (lambdas)\n", base, c.skipped);
	total->passed += c.passed;
	total->failed += c.failed;
	total->skipped += c.skipped;
	rc = 0;
out:
	cJSON_Delete(root);
	free(text);
	return rc;
}

/* scandir filter: *.json files. */
static int
is_json(const struct dirent *de)
{
	size_t	 n = strlen(de->d_name);

	return de->d_name[0] != '.' && n > 5 &&
	    strcmp(de->d_name + n - 5, ".json") == 0;
}

int
main(int argc, char *argv[])
{
	struct dirent	**list = NULL;
	struct counts	  total = { 0, 0, 0 };
	char		  path[4096];
	int		  i, n, len, bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	if ((n = scandir(argv[1], &list, is_json, alphasort)) == -1) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	for (i = 0; i < n; i++) {
		len = snprintf(path, sizeof(path), "%s/%s", argv[1],
		    list[i]->d_name);
		if (len < 0 || (size_t)len >= sizeof(path) ||
		    run_file(path, list[i]->d_name, &total) == -1)
			bad = 1;
		free(list[i]);
	}
	free(list);
	printf("%u passed, %u failed\n", total.passed, total.failed);
	if (total.skipped > 0)
		fprintf(stderr, "%u skipped (lambdas)\n", total.skipped);
	return bad || total.failed > 0 || n == 0;
}
