#ifndef PORTAL_VIEW_H
#define PORTAL_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The data a template is rendered with: a small tree of values (null, bool,
 * integer, string, list, map) allocated from an arena and freed with it.
 *
 * Builders tolerate NULL arguments (a failed allocation upstream) and return
 * NULL or -1; the arena remembers any failure, so a handler may fill a whole
 * view and check arena_failed() once before rendering.
 */
struct arena;

enum view_type {
	VIEW_NULL,
	VIEW_BOOL,
	VIEW_INT,
	VIEW_STR,
	VIEW_LIST,
	VIEW_MAP,
	VIEW__MAX
};

struct view;

/* New values, owned by the arena; NULL on failure. Strings are copied. */
struct view *view_null(struct arena *a);
struct view *view_bool(struct arena *a, bool v);
struct view *view_int(struct arena *a, int64_t v);
struct view *view_str(struct arena *a, const char *s);
struct view *view_strn(struct arena *a, const char *s, size_t n);
struct view *view_list(struct arena *a);
struct view *view_map(struct arena *a);

/* Sets key (copied) in map to v, replacing an earlier value; 0 or -1. */
int view_set(struct view *map, const char *key, struct view *v);
/* Shortcuts for view_set with a new scalar value; 0 or -1. */
int view_set_str(struct view *map, const char *key, const char *s);
int view_set_int(struct view *map, const char *key, int64_t v);
int view_set_bool(struct view *map, const char *key, bool v);
int view_set_fmt(struct view *map, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Creates a new map or list stored under key in map; NULL on failure. */
struct view *view_set_map(struct view *map, const char *key);
struct view *view_set_list(struct view *map, const char *key);
/*
 * For each name of the NULL-terminated set, sets flag prefix+name: true for
 * the one equal to value (none when value is NULL or not in the set), false
 * for the others, so a template never falls back to an outer context.
 * 0 or -1.
 */
int view_set_choice(struct view *map, const char *prefix,
    const char *const *set, const char *value);
/* Appends v to list; 0 or -1. */
int view_push(struct view *list, struct view *v);
/* Appends a new map to list and returns it; NULL on failure. */
struct view *view_push_map(struct view *list);

/* Readers, used by the template engine. */
enum view_type view_type(const struct view *v);
/* Looks up a key of n bytes in a map; NULL when absent or v is not a map. */
const struct view *view_get(const struct view *map, const char *key, size_t n);
/* Number of elements of a list (0 for anything else). */
size_t view_len(const struct view *v);
/* Element i of a list; NULL when out of range. */
const struct view *view_at(const struct view *list, size_t i);
/* The string of a VIEW_STR (and its length in *n); NULL for other types. */
const char *view_string(const struct view *v, size_t *n);
/* The integer of a VIEW_INT or VIEW_BOOL; 0 for other types. */
int64_t view_integer(const struct view *v);
/*
 * Mustache truthiness: NULL, null, false, 0, the empty string and the empty
 * list are false; everything else (maps included) is true.
 */
bool view_truthy(const struct view *v);

#endif
