/*
 * outbox-fill: N messages for portal-notify, as the portal queues them
 * (composed by mail_compose, so each has its own Message-ID, and sealed
 * with the server secret of the config), written to stdout as rows for
 * psql's \copy outbox (kind, recipient, subject, message) FROM STDIN.
 * The delivery test and make stress use it to queue thousands of messages
 * in a second, where posting forms would measure the forms instead.
 *   outbox-fill CONFIG N TAG
 * Message i has the subject "TAG i" and the body line "outbox-fill TAG i".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "mail.h"
#include "seal.h"

int
main(int argc, char *argv[])
{
	struct config	*cfg = NULL;
	struct buf	 msg, sealed;
	struct mail	 m;
	char		 err[512], subject[128], body[256], *end;
	long		 n, i;
	int		 rc = EXIT_FAILURE;

	buf_init(&msg, 64 * 1024);
	buf_init(&sealed, 128 * 1024);
	if (argc != 4) {
		fprintf(stderr, "usage: outbox-fill CONFIG N TAG\n");
		goto out;
	}
	n = strtol(argv[2], &end, 10);
	if (*end != '\0' || n < 1 || n > 1000000 || strpbrk(argv[3], "\t\n\\") != NULL) {
		fprintf(stderr, "outbox-fill: N must be 1 to 1000000, TAG plain text\n");
		goto out;
	}
	if (sodium_init() == -1 || (cfg = malloc(sizeof(*cfg))) == NULL)
		goto out;
	if (config_load(cfg, argv[1], err, sizeof(err)) == -1) {
		fprintf(stderr, "outbox-fill: %s\n", err);
		goto out;
	}
	for (i = 1; i <= n; i++) {
		buf_reset(&msg);
		buf_reset(&sealed);
		if (snprintf(subject, sizeof(subject), "%s %ld", argv[3], i) >=
		    (int)sizeof(subject) ||
		    snprintf(body, sizeof(body), "outbox-fill %s %ld\n", argv[3], i) >=
		    (int)sizeof(body))
			goto out;
		memset(&m, 0, sizeof(m));
		m.from = cfg->mail_from;
		m.to = cfg->staff_email;
		m.subject = subject;
		m.body = body;
		m.date = time(NULL);
		if (mail_compose(&m, &msg) == -1 ||
		    seal_text(&cfg->keys, msg.data, msg.len, &sealed) == -1) {
			fprintf(stderr, "outbox-fill: cannot compose message %ld\n", i);
			goto out;
		}
		if (printf("stress\t%s\t%s\t%s\n", cfg->staff_email, subject,
		    buf_str(&sealed)) < 0)
			goto out;
	}
	if (fflush(stdout) == EOF)
		goto out;
	rc = EXIT_SUCCESS;
out:
	buf_free(&msg);
	buf_free(&sealed);
	if (cfg != NULL)
		sodium_memzero(cfg, sizeof(*cfg));
	free(cfg);
	return rc;
}
