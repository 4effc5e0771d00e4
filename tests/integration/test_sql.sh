#!/usr/bin/env bash
# Issue 11: every statement of the statement table, prepared against the
# migrated schema, returns exactly the columns sql.h declares for it.
. "$(dirname "$0")/lib.sh"
stack_up --no-demo

out=$(admin check-sql 2>&1)
status=$?
expect_eq "check-sql passes on the migrated schema" 0 "$status"
check "and says how many statements it checked" grep -Eq '^[0-9]+ statements match sql.h$' <<<"$out"
[ "$status" = 0 ] || echo "$out" | sed 's/^/#   /'

# The schema drifts under the program: a column changes type.
sql "ALTER TABLE outbox ALTER COLUMN attempts TYPE text" > /dev/null
out=$(admin check-sql 2>&1)
status=$?
check "check-sql fails once a column's type differs" test "$status" -ne 0
check "naming the statement, the column and the declaration" grep -qF \
	'staff_messages: column 5 is "attempts" (type oid 25), but sql.h declares HISTORY_MESSAGE_ATTEMPTS as "attempts" (int)' <<<"$out"
check "and the count of statements that differ" \
	grep -Eq 'portal-admin: [0-9]+ of [0-9]+ statements do not match sql.h' <<<"$out"

finish
