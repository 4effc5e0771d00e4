#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* Chunks are at least this big; larger requests get a chunk of their own. */
#define ARENA_CHUNK_SIZE	(16 * 1024)
#define ARENA_ALIGN		(_Alignof(max_align_t))

struct chunk {
	struct chunk	*next;
	size_t		 size;	/* usable bytes in data[] */
	size_t		 used;
	_Alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct chunk	*head;	/* current chunk, newest first */
	bool		 failed;
};

static struct chunk *
chunk_new(size_t size)
{
	struct chunk	*c;

	if (size > SIZE_MAX - sizeof(*c))
		return NULL;
	if ((c = malloc(sizeof(*c) + size)) == NULL)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct arena *
arena_new(void)
{
	struct arena	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	if ((a->head = chunk_new(ARENA_CHUNK_SIZE)) == NULL) {
		free(a);
		return NULL;
	}
	return a;
}

void
arena_free(struct arena *a)
{
	struct chunk	*c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void
arena_reset(struct arena *a)
{
	struct chunk	*c, *next, *last = NULL;

	/* Keep the oldest chunk (the first one allocated), free the rest. */
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		if (next == NULL)
			last = c;
		else
			free(c);
	}
	a->head = last;
	if (last != NULL)
		last->used = 0;
	a->failed = false;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk	*c;
	size_t		 off, want;

	if (a == NULL)
		return NULL;
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ARENA_ALIGN)
		goto fail;
	want = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	c = a->head;
	if (c != NULL) {
		off = c->used;
		if (c->size - off >= want) {
			c->used += want;
			memset(c->data + off, 0, n);
			return c->data + off;
		}
	}
	c = chunk_new(want > ARENA_CHUNK_SIZE ? want : ARENA_CHUNK_SIZE);
	if (c == NULL)
		goto fail;
	c->next = a->head;
	a->head = c;
	c->used = want;
	memset(c->data, 0, n);
	return c->data;
fail:
	a->failed = true;
	return NULL;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p;

	if (s == NULL || n == SIZE_MAX) {
		if (a != NULL)
			a->failed = true;
		return NULL;
	}
	if ((p = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	if (s == NULL) {
		if (a != NULL)
			a->failed = true;
		return NULL;
	}
	return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list	 ap2;
	char	*p;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		if (a != NULL)
			a->failed = true;
		return NULL;
	}
	if ((p = arena_alloc(a, (size_t)n + 1)) == NULL)
		return NULL;
	if (vsnprintf(p, (size_t)n + 1, fmt, ap) != n) {
		a->failed = true;
		return NULL;
	}
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

bool
arena_failed(const struct arena *a)
{
	return a == NULL || a->failed;
}
