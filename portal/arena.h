#ifndef PORTAL_ARENA_H
#define PORTAL_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * A bump allocator for per-request data. Everything allocated from an arena
 * is freed at once by arena_free(). Allocation failures are sticky: once one
 * fails, arena_failed() stays true, so a caller can build a whole view and
 * check once before using it.
 */
struct arena;

/* Creates an empty arena owned by the caller; NULL on out of memory. */
struct arena *arena_new(void);
/* Frees the arena and everything allocated from it; NULL is a no-op. */
void arena_free(struct arena *a);
/* Forgets every allocation but keeps the first chunk for reuse. */
void arena_reset(struct arena *a);
/* Returns n zeroed bytes aligned for any type, owned by the arena; NULL on failure. */
void *arena_alloc(struct arena *a, size_t n);
/* Copies n bytes of s plus a NUL terminator into the arena; NULL on failure. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Copies the NUL-terminated s into the arena; NULL on failure or when s is NULL. */
char *arena_strdup(struct arena *a, const char *s);
/* printf into a string owned by the arena; NULL on failure. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* vprintf variant of arena_printf. */
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* True once any allocation from this arena has failed. */
bool arena_failed(const struct arena *a);

#endif
