/*
 * Unit tests for portal/sql.c: the statement table and the result shapes
 * are consistent in themselves. (That PostgreSQL agrees with them is
 * checked against a migrated database: tests/integration/test_sql.sh.)
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sql.h"

/* Every statement has a unique name, some text and a known shape. */
static void
test_sql_statements(void **state)
{
	int	q, k;

	(void)state;
	for (q = 0; q < SQL__MAX; q++) {
		assert_non_null(sql_name((enum sql_query)q));
		assert_non_null(sql_text((enum sql_query)q));
		assert_true(sql_text((enum sql_query)q)[0] != '\0');
		assert_true((unsigned)sql_shape((enum sql_query)q) < SQL_SHAPE__MAX);
		for (k = 0; k < q; k++)
			if (strcmp(sql_name((enum sql_query)q),
			    sql_name((enum sql_query)k)) == 0)
				fail_msg("statements %d and %d are both called %s",
				    k, q, sql_name((enum sql_query)q));
	}
}

/*
 * The main statement of a WITH: from the ")" that closes its last part,
 * where the INSERT, UPDATE, DELETE or SELECT at the outer level begins (a
 * RETURNING inside a part returns nothing to the caller); the whole text
 * of any other statement.
 */
static const char *
main_part(const char *t)
{
	static const char *const verbs[] = { " INSERT", " UPDATE", " DELETE",
		" SELECT" };
	const char	*p;
	bool		 quoted = false;
	int		 depth = 0;
	size_t		 i;

	if (strncmp(t, "WITH", 4) != 0)
		return t;
	for (p = t; *p != '\0'; p++) {
		if (*p == '\'')
			quoted = !quoted;
		if (quoted)
			continue;
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
				if (strncmp(p + 1, verbs[i], strlen(verbs[i])) == 0)
					return p;
	}
	return t;
}

/*
 * A statement returns rows exactly when it has a shape: SELECT and WITH
 * ... SELECT, or RETURNING. (A heuristic on the text, but it catches a
 * statement that gained or lost its rows without its shape following.)
 */
static void
test_sql_rows_have_shapes(void **state)
{
	const char	*t;
	bool		 rows;
	int		 q;

	(void)state;
	for (q = 0; q < SQL__MAX; q++) {
		t = sql_text((enum sql_query)q);
		rows = strncmp(t, "SELECT", 6) == 0 || strstr(main_part(t),
		    "RETURNING") != NULL || (strncmp(t, "WITH", 4) == 0 &&
		    strncmp(main_part(t), ") SELECT", 8) == 0);
		if (rows != (sql_shape((enum sql_query)q) != SQL_SHAPE_NONE))
			fail_msg("%s: %s rows but has shape %s",
			    sql_name((enum sql_query)q), rows ? "returns" : "has no",
			    sql_shape_name(sql_shape((enum sql_query)q)));
	}
}

/*
 * Each column constant is its shape's name, '_' and the column's name in
 * capitals, so reading QUEUE_CUSTOMER tells the reader the column is
 * "customer" of shape QUEUE. Names are unique within a shape.
 */
static void
test_sql_column_constants(void **state)
{
	const struct sql_column	*col, *other;
	char			 want[128];
	size_t			 n, k;
	int			 s, i, j;

	(void)state;
	assert_int_equal(sql_ncolumns(SQL_SHAPE_NONE), 0);
	for (s = 1; s < SQL_SHAPE__MAX; s++) {
		assert_true(sql_ncolumns((enum sql_shape)s) > 0);
		assert_true(sql_ncolumns((enum sql_shape)s) < SQL_COLUMN_STRIDE);
		for (i = 0; i < sql_ncolumns((enum sql_shape)s); i++) {
			col = sql_column((enum sql_shape)s, i);
			assert_non_null(col);
			n = (size_t)snprintf(want, sizeof(want), "%s_%s",
			    sql_shape_name((enum sql_shape)s), col->name);
			assert_true(n < sizeof(want));
			for (k = 0; k < n; k++)
				want[k] = (char)toupper((unsigned char)want[k]);
			assert_string_equal(col->constant, want);
			assert_true((unsigned)col->type < SQL_TYPE__MAX);
			for (j = 0; j < i; j++) {
				other = sql_column((enum sql_shape)s, j);
				assert_string_not_equal(other->name, col->name);
			}
		}
		assert_null(sql_column((enum sql_shape)s, -1));
		assert_null(sql_column((enum sql_shape)s,
		    sql_ncolumns((enum sql_shape)s)));
	}
}

/* A constant finds its own position in its own shape, and nowhere else. */
static void
test_sql_column_index(void **state)
{
	(void)state;
	assert_int_equal(sql_column_index(SQL_SHAPE_QUEUE, QUEUE_ID), 0);
	assert_int_equal(sql_column_index(SQL_SHAPE_QUEUE, QUEUE_RECEIVED), 9);
	assert_int_equal(sql_column_index(SQL_SHAPE_KEY, KEY_ID), 0);
	assert_int_equal(sql_column_index(SQL_SHAPE_CLAIMED, CLAIMED_ATTEMPTS), 2);
	/* Another shape's column, or a number that is no column at all. */
	assert_int_equal(sql_column_index(SQL_SHAPE_QUEUE, REQUEST_ID), -1);
	assert_int_equal(sql_column_index(SQL_SHAPE_REQUEST, QUEUE_CUSTOMER), -1);
	assert_int_equal(sql_column_index(SQL_SHAPE_QUEUE, 0), -1);
	assert_int_equal(sql_column_index(SQL_SHAPE_QUEUE, 5), -1);
	assert_int_equal(sql_column_index(SQL_SHAPE_QUEUE, -1), -1);
	assert_int_equal(sql_column_index(SQL_SHAPE_QUEUE, QUEUE__END), -1);
	assert_int_equal(sql_column_index(SQL_SHAPE_NONE, KEY_ID), -1);
	assert_int_equal(sql_column_index(SQL_SHAPE__MAX, KEY_ID), -1);
	/* Statements that share a shape. */
	assert_int_equal(sql_shape(SQL_QUEUE_ALL), sql_shape(SQL_QUEUE_STATUS));
	assert_int_equal(sql_shape(SQL_INVOICE_ITEMS), SQL_SHAPE_ITEM);
	assert_int_equal(sql_shape(SQL_INVOICE_ITEMS), SQL_SHAPE_ITEM);
	assert_int_equal(sql_shape(SQL_AUDIT), SQL_SHAPE_NONE);
	assert_string_equal(sql_type_name(SQL_DATE), "date");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sql_statements),
		cmocka_unit_test(test_sql_rows_have_shapes),
		cmocka_unit_test(test_sql_column_constants),
		cmocka_unit_test(test_sql_column_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
