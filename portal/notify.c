/*
 * portal-notify: delivers the outbox. It LISTENs on "settle_outbox" (a
 * trigger notifies on every insert) and also polls every few seconds, in
 * case a notification was missed while it was disconnected. Each message is
 * claimed in the database before it goes to sendmail and marked sent only
 * when sendmail exits 0; failures are retried with exponential backoff.
 * A claim is a lease (notify_lease seconds, longer than sendmail_timeout):
 * if this process dies mid-delivery, the lease expires and any notifier
 * claims the message again. So delivery is at least once: a message is
 * never lost, and in the rare case that sendmail took it just before the
 * crash it is sent twice, as the same sealed text with the same Message-ID.
 * Several notifiers can share one outbox. Under systemd (Type=notify) it is
 * ready once its configuration is loaded: a database that is down is
 * waited for, as at any later time.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <systemd/sd-daemon.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "seal.h"
#include "sendmail.h"

#define MARK_TRIES	30	/* seconds to keep trying to record an outcome */

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Seconds to wait before attempt number attempts + 1. */
static int
backoff(const struct config *cfg, int attempts)
{
	long	delay = cfg->retry_base;

	while (--attempts > 0 && delay < cfg->retry_max)
		delay *= 2;
	return (int)(delay < cfg->retry_max ? delay : cfg->retry_max);
}

/*
 * Records the outcome of a delivery under our claim (params: id, claimed_by,
 * attempts, then q's own). A lost connection is retried for a while; if the
 * outcome cannot be recorded, or the claim is no longer ours (its lease
 * expired and another notifier took the message), the message stays with
 * whoever holds it now, or is claimed again when the lease runs out: at
 * worst it is sent twice, with the same Message-ID, never lost.
 */
static void
mark(struct db *db, enum sql_query q, const char *const *params, int n,
    const char *id)
{
	struct db_res	*r;
	int		 i, rows;

	for (i = 0; i < MARK_TRIES && !stop; i++) {
		if (db_ensure(db) == 0 &&
		    (r = db_query(db, q, params, n)) != NULL) {
			rows = db_rows(r);
			db_res_free(r);
			if (rows == 0)
				log_warn("message %s: the claim expired before its "
				    "outcome was recorded; another notifier has it "
				    "(a resend keeps the Message-ID)", id);
			return;
		}
		(void)sleep(1);
	}
	log_error("message %s: could not record the delivery outcome; it will "
	    "be claimed again when its lease expires", id);
}

/*
 * A message sealed with a key this process does not have yet: the secret
 * was rotated (portal-admin rotate-secret) after we started. Reads the
 * secret file again, so the notifier follows a rotation without a restart.
 */
static void
learn_key(struct config *cfg, unsigned id)
{
	char	err[256];

	if (id == 0 || keyring_find(&cfg->keys, id) != NULL)
		return;
	if (config_load_keys(cfg, err, sizeof(err)) == -1)
		log_error("reading the keys again: %s", err);
	else if (keyring_find(&cfg->keys, id) != NULL)
		log_info("read key %u from %s", id, cfg->secret_file);
}

/* Claims and delivers one due message; 1 if one was handled, 0 if none, -1. */
static int
deliver_one(struct config *cfg, struct db *db, const char *me,
    struct buf *msg)
{
	const char	*params[6];
	char		 id[32], tries[16], lease[16], delay[16], max[16], err[256];
	struct db_res	*r;
	int		 attempts;

	(void)snprintf(lease, sizeof(lease), "%d", cfg->notify_lease);
	(void)snprintf(max, sizeof(max), "%d", cfg->max_attempts);
	params[0] = me;
	params[1] = lease;
	params[2] = max;
	if ((r = db_query(db, SQL_OUTBOX_CLAIM, params, 3)) == NULL)
		return -1;
	if (db_rows(r) == 0) {
		db_res_free(r);
		return 0;
	}
	(void)snprintf(id, sizeof(id), "%s", db_str(r, 0, CLAIMED_ID));
	attempts = (int)db_int(r, 0, CLAIMED_ATTEMPTS);
	(void)snprintf(tries, sizeof(tries), "%d", attempts);
	if (db_bool(r, 0, CLAIMED_RECLAIMED))
		log_warn("message %s: its last claim expired (a notifier stopped "
		    "mid-delivery); sending it again, attempt %d, same Message-ID",
		    id, attempts);
	params[0] = id;
	params[1] = me;
	params[2] = tries;
	buf_reset(msg);
	learn_key(cfg, seal_key_id(db_str(r, 0, CLAIMED_MESSAGE)));
	if (seal_open(&cfg->keys, db_str(r, 0, CLAIMED_MESSAGE), msg) == -1)
		(void)snprintf(err, sizeof(err), "cannot unseal the message "
		    "(sealed with key %u: is it in the secret file, and was "
		    "portal-notify restarted after a rotation?)",
		    seal_key_id(db_str(r, 0, CLAIMED_MESSAGE)));
	else if (sendmail_send(cfg->sendmail, msg->data, msg->len,
	    cfg->sendmail_timeout, err, sizeof(err)) == 0) {
		db_res_free(r);
		sodium_memzero(msg->data, msg->len);
		mark(db, SQL_OUTBOX_SENT, params, 3, id);
		log_info("message %s sent", id);
		return 1;
	}
	db_res_free(r);
	if (msg->data != NULL)
		sodium_memzero(msg->data, msg->len);
	(void)snprintf(delay, sizeof(delay), "%d", backoff(cfg, attempts));
	params[3] = delay;
	params[4] = max;
	params[5] = err;
	log_warn("message %s, attempt %d: sendmail %s; next try in %s s", id,
	    attempts, err, delay);
	mark(db, SQL_OUTBOX_RETRY, params, 6, id);
	return 1;
}

/* Gives up messages whose notifier died on every attempt; logs each. */
static void
expire_claims(const struct config *cfg, struct db *db)
{
	struct db_res	*r;
	const char	*params[1];
	char		 max[16];
	int		 i;

	(void)snprintf(max, sizeof(max), "%d", cfg->max_attempts);
	params[0] = max;
	if ((r = db_query(db, SQL_OUTBOX_EXPIRE, params, 1)) == NULL)
		return;
	for (i = 0; i < db_rows(r); i++)
		log_error("message %s: a notifier stopped during each of its %d "
		    "attempts; marked 'failed'", db_str(r, i, KEY_ID),
		    cfg->max_attempts);
	db_res_free(r);
}

static int
run(struct config *cfg)
{
	struct db	*db;
	unsigned	 listening = 0;	/* generation we LISTENed on */
	struct buf	 msg;		/* the message being delivered */
	char		 me[64];

	(void)snprintf(me, sizeof(me), "portal-notify[%d]", (int)getpid());
	buf_init(&msg, 4 * 1024 * 1024);
	if ((db = db_new(cfg->database, "portal-notify", 30000, cfg->timezone)) == NULL)
		return EXIT_FAILURE;
	log_info("delivering the outbox with: %s", cfg->sendmail);
	(void)sd_notify(0, "READY=1");
	while (!stop) {
		if (db_ensure(db) == -1) {
			(void)sleep((unsigned)cfg->notify_poll);
			continue;
		}
		if (listening != db_generation(db)) {	/* new connection */
			/* LISTEN again: the old session's registration is gone. */
			if (db_do(db, SQL_OUTBOX_LISTEN, NULL, 0) == -1) {
				db_drop(db);
				continue;
			}
			listening = db_generation(db);
		}
		expire_claims(cfg, db);
		while (!stop && deliver_one(cfg, db, me, &msg) == 1)
			;
		if (!stop)
			db_wait(db, cfg->notify_poll);
	}
	log_info("stopping");
	(void)sd_notify(0, "STOPPING=1");
	buf_free(&msg);
	db_free(db);
	return EXIT_SUCCESS;
}

int
main(int argc, char *argv[])
{
	struct config	*cfg;
	struct sigaction sa;
	const char	*path = CONFIG_DEFAULT_PATH;
	char		 err[512];
	int		 ch, rc;

	log_init("portal-notify");
	while ((ch = getopt(argc, argv, "c:")) != -1) {
		if (ch != 'c') {
			fprintf(stderr, "usage: portal-notify [-c config]\n");
			return EXIT_FAILURE;
		}
		path = optarg;
	}
	if (sodium_init() == -1 || (cfg = malloc(sizeof(*cfg))) == NULL)
		return EXIT_FAILURE;
	if (config_load(cfg, path, err, sizeof(err)) == -1) {
		log_error("config: %s", err);
		free(cfg);
		return EXIT_FAILURE;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: db_wait() returns */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 || sigaction(SIGINT, &sa, NULL) == -1 ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR || signal(SIGHUP, SIG_IGN) == SIG_ERR) {
		free(cfg);
		return EXIT_FAILURE;
	}
	if (cfg->notify_lease <= cfg->sendmail_timeout) {
		log_error("config: notify_lease (%d s) must be longer than "
		    "sendmail_timeout (%d s)", cfg->notify_lease,
		    cfg->sendmail_timeout);
		free(cfg);
		return EXIT_FAILURE;
	}
	rc = run(cfg);
	sodium_memzero(cfg, sizeof(*cfg));
	free(cfg);
	return rc;
}
