#include "router.h"
#include "routes.h"

const struct route routes[] = {
	{ ROUTE_GET, "/healthz", health_get },
	{ ROUTE_GET, "/i/{}", invoice_get },
	{ ROUTE_GET, "/i/{}/plan", plan_get },
	{ ROUTE_POST, "/i/{}/plan", plan_post },
	{ ROUTE_GET, "/i/{}/plan.ics", plan_ics },
	{ ROUTE_GET, "/i/{}/hardship", hardship_get },
	{ ROUTE_POST, "/i/{}/hardship", hardship_post },
	{ ROUTE_POST, "/i/{}/language", language_post },
	{ ROUTE_POST, "/i/{}/reminders", reminders_post },
	/* issue 16: the whole account, and "email me a copy" */
	{ ROUTE_POST, "/i/{}/copy", copy_post },
	{ ROUTE_GET, "/i/{}/account", account_get },
	{ ROUTE_GET, "/i/{}/account/{}", account_invoice_get },
	/* Nothing lives under an account's invoice: the bad link's 404. */
	{ ROUTE_GET | ROUTE_POST, "/i/{}/account/{}/plan", account_none },
	{ ROUTE_GET | ROUTE_POST, "/i/{}/account/{}/plan.ics", account_none },
	{ ROUTE_GET | ROUTE_POST, "/i/{}/account/{}/hardship", account_none },
	{ ROUTE_GET | ROUTE_POST, "/i/{}/account/{}/language", account_none },
	{ ROUTE_GET | ROUTE_POST, "/i/{}/account/{}/reminders", account_none },
	{ ROUTE_GET | ROUTE_POST, "/i/{}/account/{}/copy", account_none },
	{ ROUTE_GET | ROUTE_POST, "/i/{}/account/{}/account", account_none },
	{ ROUTE_GET | ROUTE_POST, "/i/{}/account/{}/promise", account_none },
	{ ROUTE_GET | ROUTE_POST, "/i/{}/account/{}/dispute", account_none },
	{ ROUTE_GET | ROUTE_POST, "/i/{}/account/{}/claim", account_none },
	{ ROUTE_GET | ROUTE_POST, "/i/{}/account/{}/proposal", account_none },
	{ ROUTE_GET, "/u/{}", unsubscribe_get },
	{ ROUTE_POST, "/u/{}", unsubscribe_post },
	{ ROUTE_GET, "/staff/login", staff_login_get },
	{ ROUTE_POST, "/staff/login", staff_login_post },
	{ ROUTE_POST, "/staff/logout", staff_logout_post },
	{ ROUTE_GET, "/staff", staff_queue_get },
	{ ROUTE_GET, "/staff/hardship/{}", staff_hardship_get },
	{ ROUTE_POST, "/staff/hardship/{}", staff_hardship_post },
	{ ROUTE_POST, "/staff/hardship/{}/waive", staff_hardship_waive_post },
	{ ROUTE_GET, "/staff/proposals/{}", staff_proposal_get },
	{ ROUTE_POST, "/staff/proposals/{}", staff_proposal_post },
	{ ROUTE_GET, "/staff/invoices/{}", staff_invoice_get },
	{ ROUTE_POST, "/link", fresh_link_post },
	{ ROUTE_GET, "/link/sent", fresh_link_sent_get },
	{ ROUTE_GET, "/staff/payments", staff_payments_get },
	{ ROUTE_POST, "/staff/payments/{}", staff_payments_post },
	/* issue 14: the ledger at a glance */
	{ ROUTE_GET, "/staff/overview", overview_get },
	{ ROUTE_GET, "/staff/overview.csv", overview_csv },
	{ ROUTE_GET, "/staff/tasks", staff_tasks_get },
	/* issue 14: the formal letter and the escalation decision */
	{ ROUTE_GET, "/staff/tasks/{}/letter", letter_get },
	{ ROUTE_POST, "/staff/tasks/{}/letter", letter_post },
	{ ROUTE_GET, "/staff/tasks/{}/escalation", escalation_get },
	{ ROUTE_POST, "/staff/tasks/{}/escalation", escalation_post },
};

const size_t nroutes = sizeof(routes) / sizeof(routes[0]);
