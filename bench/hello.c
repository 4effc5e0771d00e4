/*
 * The stack's ceiling: the least a libfcgi responder can do behind the same
 * nginx as the portal, with the portal's process model (prefork.c). Every
 * request gets the same six bytes; nothing is parsed, nothing is stored.
 *
 *   hello SOCKET [WORKERS]
 */
#include <stdio.h>
#include <stdlib.h>

#include <fcgiapp.h>

#include "prefork.h"

static const char response[] =
    "Status: 200 OK\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 6\r\n"
    "\r\n"
    "hello\n";

static int
serve(int fd, void *arg)
{
	FCGX_Request	r;

	(void)arg;
	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, fd, 0) != 0) {
		fprintf(stderr, "hello: FCGX_InitRequest failed\n");
		return EXIT_FAILURE;
	}
	while (FCGX_Accept_r(&r) >= 0) {
		(void)FCGX_PutStr(response, (int)sizeof(response) - 1, r.out);
		FCGX_Finish_r(&r);
	}
	return EXIT_SUCCESS;
}

int
main(int argc, char *argv[])
{
	int	n = 4;

	if (argc < 2 || argc > 3 || (argc == 3 && (n = atoi(argv[2])) < 1)) {
		fprintf(stderr, "usage: hello SOCKET [WORKERS]\n");
		return 2;
	}
	return prefork_run(argv[1], n, serve, NULL);
}
