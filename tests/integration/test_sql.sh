#!/usr/bin/env bash
# Issue 11: every statement of the statement table, prepared against the
# migrated schema, returns exactly the columns sql.h declares for it.
. "$(dirname "$0")/lib.sh"
stack_up

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

# The portal refuses such a statement when it first prepares it: the page
# that needs it answers 500 and the log says which column differs.
printf '%s\n%s\n' \
	invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date \
	'Q-1,QC-1,Ada Byrne,ada@example.com,,en,EUR,2026-01-05,2026-02-04,line,Design,1,500.00,' > "$T/inv.csv"
admin import "$T/inv.csv" > /dev/null
p=$(link_path Q-1)
http GET "$p"
expect_status 200 "the invoice opens before the drift"
sql "ALTER TABLE plan_policies ALTER COLUMN first_due_days TYPE numeric" > /dev/null
http GET "$p/plan"
expect_status 500 "the plan page, whose policy statement drifted, answers 500"
check "the portal logs which column differs from sql.h" grep -qF \
	'invoice_policy: column 8 is "first_due_days" (type oid 1700), but sql.h declares POLICY_FIRST_DUE_DAYS as "first_due_days" (int)' \
	"$VAR/log/portal.log"
http GET "$p"
expect_status 200 "pages that do not need it still open"
finish
