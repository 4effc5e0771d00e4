#include <stddef.h>

#include "lang.h"

int
lang_primary(const char *lang, char tag[LANG_TAG_SIZE])
{
	int	i;

	if (lang == NULL)
		return -1;
	for (i = 0; i < 2; i++) {
		if (lang[i] >= 'A' && lang[i] <= 'Z')
			tag[i] = (char)(lang[i] - 'A' + 'a');
		else if (lang[i] >= 'a' && lang[i] <= 'z')
			tag[i] = lang[i];
		else
			return -1;
	}
	tag[2] = '\0';
	if (lang[2] != '\0' && lang[2] != '-' && lang[2] != '_')
		return -1;
	return 0;
}
