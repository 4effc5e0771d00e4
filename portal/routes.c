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
	{ ROUTE_GET, "/u/{}", unsubscribe_get },
	{ ROUTE_POST, "/u/{}", unsubscribe_post },
	{ ROUTE_GET, "/staff/login", staff_login_get },
	{ ROUTE_POST, "/staff/login", staff_login_post },
	{ ROUTE_POST, "/staff/logout", staff_logout_post },
	{ ROUTE_GET, "/staff", desk_get },
	{ ROUTE_GET, "/staff/hardship", staff_queue_get },
	{ ROUTE_GET, "/staff/hardship/{}", staff_hardship_get },
	{ ROUTE_POST, "/staff/hardship/{}", staff_hardship_post },
	{ ROUTE_GET, "/staff/invoices/{}", staff_invoice_get },
	{ ROUTE_POST, "/link", fresh_link_post },
	{ ROUTE_GET, "/link/sent", fresh_link_sent_get },
	{ ROUTE_GET, "/staff/payments", staff_payments_get },
	{ ROUTE_POST, "/staff/payments/{}", staff_payments_post },
	/* issue 14: the ledger at a glance */
	{ ROUTE_GET, "/staff/overview", overview_get },
	{ ROUTE_GET, "/staff/overview.csv", overview_csv },
	{ ROUTE_GET, "/staff/tasks", staff_tasks_get },
	/* issue 14: the credit-control desk */
	{ ROUTE_GET, "/staff/tasks/{}", desk_task_get },
	{ ROUTE_POST, "/staff/tasks/{}", desk_task_post },
	{ ROUTE_POST, "/staff/tasks/{}/call", desk_task_call_post },
	{ ROUTE_POST, "/staff/invoices/{}/call", desk_invoice_call_post },
	{ ROUTE_POST, "/staff/calls/{}/confirm", desk_confirm_post },
};

const size_t nroutes = sizeof(routes) / sizeof(routes[0]);
