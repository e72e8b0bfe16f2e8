/* Test helper: compares two JSON documents key by key and prints every
 * difference as a path. Usage: jdiff A.json B.json [IGNORED_PATH...]
 * (paths like /tls/sessions; an ignored path skips its whole subtree).
 * Exits 0 when equal, 1 when not, 2 on error. */
#include <jansson.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static int nign;
static char **ign;
static int ndiff;

static int ignored(const char *path)
{
	for (int i = 0; i < nign; i++)
		if (strcmp(path, ign[i]) == 0)
			return 1;
	return 0;
}

static void cmp(json_t *a, json_t *b, const char *path)
{
	char sub[2048];

	if (ignored(path))
		return;
	if (json_typeof(a) != json_typeof(b)) {
		printf("%s: type differs\n", path);
		ndiff++;
		return;
	}
	if (json_is_object(a)) {
		const char *k;
		json_t *v;
		json_object_foreach(a, k, v) {
			snprintf(sub, sizeof(sub), "%s/%s", path, k);
			if (!json_object_get(b, k)) {
				if (!ignored(sub)) {
					printf("%s: only in the first\n", sub);
					ndiff++;
				}
				continue;
			}
			cmp(v, json_object_get(b, k), sub);
		}
		json_object_foreach(b, k, v) {
			snprintf(sub, sizeof(sub), "%s/%s", path, k);
			if (!json_object_get(a, k) && !ignored(sub)) {
				printf("%s: only in the second\n", sub);
				ndiff++;
			}
		}
	} else if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b)) {
			printf("%s: %zu items against %zu\n", path, json_array_size(a), json_array_size(b));
			ndiff++;
			return;
		}
		for (size_t i = 0; i < json_array_size(a); i++) {
			snprintf(sub, sizeof(sub), "%s/%zu", path, i);
			cmp(json_array_get(a, i), json_array_get(b, i), sub);
		}
	} else if (!json_equal(a, b)) {
		char *x = json_dumps(a, JSON_ENCODE_ANY), *y = json_dumps(b, JSON_ENCODE_ANY);
		printf("%s: %s against %s\n", path, x ? x : "?", y ? y : "?");
		free(x);
		free(y);
		ndiff++;
	}
}

int main(int argc, char **argv)
{
	json_error_t e;
	json_t *a, *b;

	if (argc < 3) {
		fprintf(stderr, "usage: jdiff A.json B.json [IGNORED_PATH...]\n");
		return 2;
	}
	a = json_load_file(argv[1], 0, &e);
	b = a ? json_load_file(argv[2], 0, &e) : NULL;
	if (!a || !b) {
		fprintf(stderr, "jdiff: %s: %s\n", a ? argv[2] : argv[1], e.text);
		json_decref(a);
		return 2;
	}
	ign = argv + 3;
	nign = argc - 3;
	cmp(a, b, "");
	json_decref(a);
	json_decref(b);
	return ndiff ? 1 : 0;
}
