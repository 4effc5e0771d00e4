#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "view.h"

#define VIEW_INITIAL_SLOTS	8
#define VIEW_CHOICE_KEY		64	/* prefix + name in view_set_choice */

struct entry {
	const char	*key;
	size_t		 keylen;
	struct view	*value;
};

struct view {
	enum view_type	 type;
	struct arena	*arena;		/* lists and maps grow from it */
	union {
		bool		 b;
		int64_t		 i;
		struct {
			const char	*s;
			size_t		 n;
		} str;
		struct {
			struct view	**items;
			size_t		  len, cap;
		} list;
		struct {
			struct entry	*items;
			size_t		 len, cap;
		} map;
	} u;
};

static struct view *
view_new(struct arena *a, enum view_type type)
{
	struct view	*v;

	if ((v = arena_alloc(a, sizeof(*v))) == NULL)
		return NULL;
	v->type = type;
	v->arena = a;
	return v;
}

struct view *
view_null(struct arena *a)
{
	return view_new(a, VIEW_NULL);
}

struct view *
view_bool(struct arena *a, bool b)
{
	struct view	*v;

	if ((v = view_new(a, VIEW_BOOL)) != NULL)
		v->u.b = b;
	return v;
}

struct view *
view_int(struct arena *a, int64_t i)
{
	struct view	*v;

	if ((v = view_new(a, VIEW_INT)) != NULL)
		v->u.i = i;
	return v;
}

struct view *
view_strn(struct arena *a, const char *s, size_t n)
{
	struct view	*v;
	char		*copy;

	if ((copy = arena_strndup(a, s, n)) == NULL)
		return NULL;
	if ((v = view_new(a, VIEW_STR)) == NULL)
		return NULL;
	v->u.str.s = copy;
	v->u.str.n = n;
	return v;
}

struct view *
view_str(struct arena *a, const char *s)
{
	if (s == NULL) {
		(void)arena_strdup(a, NULL);	/* records the failure */
		return NULL;
	}
	return view_strn(a, s, strlen(s));
}

struct view *
view_list(struct arena *a)
{
	return view_new(a, VIEW_LIST);
}

struct view *
view_map(struct arena *a)
{
	return view_new(a, VIEW_MAP);
}

/*
 * Grows an array of elements of size sz held in the arena to fit one more.
 * Old storage stays in the arena until it is freed; arrays double, so the
 * waste is bounded by the final size.
 */
static int
grow(struct arena *a, void **items, size_t *cap, size_t len, size_t sz)
{
	size_t	 ncap;
	void	*p;

	if (len < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : VIEW_INITIAL_SLOTS;
	if (ncap > SIZE_MAX / sz)
		return -1;
	if ((p = arena_alloc(a, ncap * sz)) == NULL)
		return -1;
	if (len > 0)
		memcpy(p, *items, len * sz);
	*items = p;
	*cap = ncap;
	return 0;
}

int
view_set(struct view *map, const char *key, struct view *v)
{
	struct entry	*e;
	size_t		 i, n;
	void		*items;

	if (map == NULL || map->type != VIEW_MAP || key == NULL || v == NULL) {
		if (map != NULL)
			(void)arena_strdup(map->arena, NULL);
		return -1;
	}
	n = strlen(key);
	for (i = 0; i < map->u.map.len; i++) {
		e = &map->u.map.items[i];
		if (e->keylen == n && memcmp(e->key, key, n) == 0) {
			e->value = v;
			return 0;
		}
	}
	items = map->u.map.items;
	if (grow(map->arena, &items, &map->u.map.cap, map->u.map.len,
	    sizeof(struct entry)) == -1)
		return -1;
	map->u.map.items = items;
	e = &map->u.map.items[map->u.map.len];
	if ((e->key = arena_strndup(map->arena, key, n)) == NULL)
		return -1;
	e->keylen = n;
	e->value = v;
	map->u.map.len++;
	return 0;
}

int
view_set_str(struct view *map, const char *key, const char *s)
{
	return view_set(map, key, map ? view_str(map->arena, s) : NULL);
}

int
view_set_int(struct view *map, const char *key, int64_t i)
{
	return view_set(map, key, map ? view_int(map->arena, i) : NULL);
}

int
view_set_bool(struct view *map, const char *key, bool b)
{
	return view_set(map, key, map ? view_bool(map->arena, b) : NULL);
}

int
view_set_fmt(struct view *map, const char *key, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	if (map == NULL)
		return -1;
	va_start(ap, fmt);
	s = arena_vprintf(map->arena, fmt, ap);
	va_end(ap);
	return view_set_str(map, key, s);
}

int
view_set_choice(struct view *map, const char *prefix, const char *const *set,
    const char *value)
{
	char	key[VIEW_CHOICE_KEY];
	int	i, n, rc = 0;

	for (i = 0; set[i] != NULL; i++) {
		n = snprintf(key, sizeof(key), "%s%s", prefix, set[i]);
		if (n < 0 || (size_t)n >= sizeof(key))
			rc = view_set(map, NULL, NULL);	/* records the failure */
		else if (view_set_bool(map, key, value != NULL &&
		    strcmp(set[i], value) == 0) == -1)
			rc = -1;
	}
	return rc;
}

struct view *
view_set_map(struct view *map, const char *key)
{
	struct view	*v;

	if (map == NULL)
		return NULL;
	v = view_map(map->arena);
	return view_set(map, key, v) == 0 ? v : NULL;
}

struct view *
view_set_list(struct view *map, const char *key)
{
	struct view	*v;

	if (map == NULL)
		return NULL;
	v = view_list(map->arena);
	return view_set(map, key, v) == 0 ? v : NULL;
}

int
view_push(struct view *list, struct view *v)
{
	void	*items;

	if (list == NULL || list->type != VIEW_LIST || v == NULL) {
		if (list != NULL)
			(void)arena_strdup(list->arena, NULL);
		return -1;
	}
	items = list->u.list.items;
	if (grow(list->arena, &items, &list->u.list.cap, list->u.list.len,
	    sizeof(struct view *)) == -1)
		return -1;
	list->u.list.items = items;
	list->u.list.items[list->u.list.len++] = v;
	return 0;
}

struct view *
view_push_map(struct view *list)
{
	struct view	*v;

	if (list == NULL)
		return NULL;
	v = view_map(list->arena);
	return view_push(list, v) == 0 ? v : NULL;
}

enum view_type
view_type(const struct view *v)
{
	return v != NULL ? v->type : VIEW_NULL;
}

const struct view *
view_get(const struct view *map, const char *key, size_t n)
{
	const struct entry	*e;
	size_t			 i;

	if (map == NULL || map->type != VIEW_MAP)
		return NULL;
	for (i = 0; i < map->u.map.len; i++) {
		e = &map->u.map.items[i];
		if (e->keylen == n && memcmp(e->key, key, n) == 0)
			return e->value;
	}
	return NULL;
}

size_t
view_len(const struct view *v)
{
	return v != NULL && v->type == VIEW_LIST ? v->u.list.len : 0;
}

const struct view *
view_at(const struct view *list, size_t i)
{
	if (list == NULL || list->type != VIEW_LIST || i >= list->u.list.len)
		return NULL;
	return list->u.list.items[i];
}

const char *
view_string(const struct view *v, size_t *n)
{
	if (v == NULL || v->type != VIEW_STR) {
		if (n != NULL)
			*n = 0;
		return NULL;
	}
	if (n != NULL)
		*n = v->u.str.n;
	return v->u.str.s;
}

int64_t
view_integer(const struct view *v)
{
	if (v == NULL)
		return 0;
	if (v->type == VIEW_INT)
		return v->u.i;
	if (v->type == VIEW_BOOL)
		return v->u.b;
	return 0;
}

bool
view_truthy(const struct view *v)
{
	if (v == NULL)
		return false;
	switch (v->type) {
	case VIEW_NULL:
		return false;
	case VIEW_BOOL:
		return v->u.b;
	case VIEW_INT:
		return v->u.i != 0;
	case VIEW_STR:
		return v->u.str.n > 0;
	case VIEW_LIST:
		return v->u.list.len > 0;
	default:
		return true;
	}
}
