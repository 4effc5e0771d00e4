/*
 * libFuzzer target for the CSV reader: every record it returns must hold
 * fields that are valid UTF-8 without NUL bytes and within the limits, and
 * writing a record back out fully quoted must read back identically.
 * Errors must carry a code, a message and a plausible position.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct csv	 rd, again;
/* A record written back: at most every byte doubled plus quotes and commas. */
static char		 out[2 * CSV_MAX_RECORD + 4 * CSV_MAX_FIELDS];

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static void
check_record(const struct csv *c, const struct csv_record *r)
{
	size_t	 i, total = 0;

	CHECK(r->nfields >= 1 && r->nfields <= CSV_MAX_FIELDS);
	for (i = 0; i < r->nfields; i++) {
		CHECK(r->fields[i] >= c->buf &&
		    r->fields[i] + r->lens[i] < c->buf + sizeof(c->buf));
		CHECK(r->lens[i] <= CSV_MAX_FIELD);
		CHECK(strlen(r->fields[i]) == r->lens[i]);
		CHECK(utf8_valid(r->fields[i], r->lens[i]));
		CHECK(csv_field(r, i) == r->fields[i]);
		total += r->lens[i] + 1;
	}
	CHECK(total <= CSV_MAX_RECORD);
	CHECK(csv_field(r, r->nfields) == NULL);
}

/* Writes r fully quoted and checks that it reads back as the same record. */
static void
check_rewrite(const struct csv_record *r)
{
	struct csv_record	 r2;
	size_t			 i, j, n = 0;

	for (i = 0; i < r->nfields; i++) {
		if (i > 0)
			out[n++] = ',';
		out[n++] = '"';
		for (j = 0; j < r->lens[i]; j++) {
			if (r->fields[i][j] == '"')
				out[n++] = '"';
			out[n++] = r->fields[i][j];
		}
		out[n++] = '"';
	}
	out[n++] = '\n';
	CHECK(csv_init(&again, out, n) == 0);
	CHECK(csv_next(&again, &r2) == 1);
	CHECK(r2.nfields == r->nfields);
	for (i = 0; i < r->nfields; i++) {
		CHECK(r2.lens[i] == r->lens[i]);
		CHECK(memcmp(r2.fields[i], r->fields[i], r->lens[i]) == 0);
	}
	CHECK(csv_next(&again, &r2) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_record	 r;
	unsigned		 lines = 1, prev = 0;
	size_t			 i, records = 0;
	int			 rc;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	CHECK(csv_init(&rd, (const char *)data, size) == 0);
	while ((rc = csv_next(&rd, &r)) == 1) {
		CHECK(++records <= size);
		CHECK(r.line > prev && r.line <= lines);
		prev = r.line;
		check_record(&rd, &r);
		check_rewrite(&r);
	}
	if (rc == 0) {
		CHECK(csv_next(&rd, &r) == 0);
		return 0;
	}
	CHECK(rc == -1);
	CHECK(rd.err > CSV_ERR_NONE && rd.err < CSV_ERR__MAX);
	CHECK(rd.err != CSV_ERR_ARGS && rd.err != CSV_ERR_LINES);
	CHECK(rd.error != NULL && strcmp(rd.error, csv_strerror(rd.err)) == 0);
	CHECK(rd.line >= 1 && rd.line <= lines && rd.line >= prev);
	CHECK(rd.column >= 1 && rd.column <= size + 1);
	CHECK(csv_next(&rd, &r) == -1);
	return 0;
}
