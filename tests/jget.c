/* Test helper: prints one value of a JSON document, reached by path components.
 * Usage: jget FILE KEY [KEY...]   (a KEY of digits indexes an array)
 *        jget -l N FILE KEY...    (line N, 1-based, of an NDJSON file)
 * Prints integers and reals as numbers, strings raw, true/false/null, "object"
 * or "array" for containers (followed by their size), MISSING when absent. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	json_error_t e;
	json_t *root, *v;
	long want = 0;

	if (argc > 3 && strcmp(argv[1], "-l") == 0) {
		want = strtol(argv[2], NULL, 10);
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: jget [-l N] FILE [KEY...]\n");
		return 2;
	}
	if (want > 0) {
		FILE *f = fopen(argv[1], "r");
		char *line = NULL;
		size_t cap = 0;
		long k = 0;
		if (!f) {
			perror(argv[1]);
			return 2;
		}
		while (getline(&line, &cap, f) > 0 && ++k < want)
			;
		fclose(f);
		if (k != want) {
			puts("NOLINE");
			free(line);
			return 0;
		}
		root = json_loads(line, 0, &e);
		free(line);
	} else {
		root = json_load_file(argv[1], 0, &e);
	}
	if (!root) {
		fprintf(stderr, "jget: %s:%d:%d: %s\n", argv[1], e.line, e.column, e.text);
		return 2;
	}
	v = root;
	for (int i = 2; i < argc && v; i++) {
		if (json_is_array(v)) {
			char *end;
			long k = strtol(argv[i], &end, 10);
			v = *end ? NULL : json_array_get(v, (size_t)k);
		} else {
			v = json_object_get(v, argv[i]);
		}
	}
	if (!v)
		puts("MISSING");
	else if (json_is_integer(v))
		printf("%lld\n", (long long)json_integer_value(v));
	else if (json_is_real(v))
		printf("%g\n", json_real_value(v));
	else if (json_is_string(v))
		printf("%s\n", json_string_value(v));
	else if (json_is_true(v))
		puts("true");
	else if (json_is_false(v))
		puts("false");
	else if (json_is_null(v))
		puts("null");
	else if (json_is_array(v))
		printf("array %zu\n", json_array_size(v));
	else
		printf("object %zu\n", json_object_size(v));
	json_decref(root);
	return 0;
}
