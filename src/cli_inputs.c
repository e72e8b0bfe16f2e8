/* The inputs as read: directories expanded, rotated sets oldest first. */
#define _DEFAULT_SOURCE 1
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

struct input {
	char *path;
	size_t set;       /* index of the set's first input: sets keep their order */
	int64_t age;      /* within a set, ascending: oldest first */
	size_t pos;       /* for a stable sort */
	size_t base_n;    /* length of the name without its rotation suffix */
};

static int all_digits(const char *p, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* How logrotate and savelog name the old files: NAME.N, NAME.N.gz,
 * NAME-YYYYMMDD, NAME-YYYYMMDD.gz (and NAME.gz). Sets *base_n to the length
 * of NAME and returns the age rank: NAME itself is the newest. */
static int64_t rotation(const char *p, size_t *base_n)
{
	size_t n = strlen(p);
	size_t i;

	if (n > 3 && strcmp(p + n - 3, ".gz") == 0)
		n -= 3;
	*base_n = n;
	for (i = n; i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9'; i--)
		;
	/* logrotate counts from 1 without leading zeros: split(1)'s x.00,
	 * x.01 are not a rotated set; nor are names that end in digits
	 * before the dot, as per-host files named by address (10.0.0.1) */
	if (i < n && i > 1 && p[i - 1] == '.' && n - i <= 6 && p[i] != '0' && all_digits(p + i, n - i)
	    && !(p[i - 2] >= '0' && p[i - 2] <= '9')) {
		*base_n = i - 1;
		return -strtoll(p + i, NULL, 10);           /* .10 before .1 */
	}
	if (n - i == 8 && i > 0 && p[i - 1] == '-' && all_digits(p + i, 8)) {
		*base_n = i - 1;
		return INT64_MIN / 2 + strtoll(p + i, NULL, 10);   /* older dates first, before .N */
	}
	return INT64_MAX;
}

static int by_set_then_age(const void *pa, const void *pb)
{
	const struct input *a = pa, *b = pb;

	if (a->set != b->set)
		return a->set < b->set ? -1 : 1;
	if (a->age != b->age)
		return a->age < b->age ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int by_name(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static int push_input(struct input **v, size_t *n, size_t *cap, char *path)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct input *nv = realloc(*v, ncap * sizeof(*nv));
		if (!nv)
			return -1;
		*v = nv;
		*cap = ncap;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[(*n)++].path = path;
	return 0;
}

/* Appends the regular files of directory d (not hidden, not recursive), by
 * name. Returns 1 when d is not a directory that can be listed. */
static int expand_dir(const char *d, struct input **v, size_t *n, size_t *cap)
{
	struct stat sb;
	DIR *dir;
	struct dirent *e;
	char **names = NULL;
	size_t nn = 0, nc = 0;
	int rc = 0;

	if (stat(d, &sb) != 0 || !S_ISDIR(sb.st_mode) || !(dir = opendir(d)))
		return 1;
	while ((e = readdir(dir))) {
		size_t dl = strlen(d), el = strlen(e->d_name);
		char *p;
		if (e->d_name[0] == '.')
			continue;
		p = malloc(dl + 1 + el + 1);
		if (!p) {
			rc = -1;
			break;
		}
		memcpy(p, d, dl);
		if (dl && d[dl - 1] == '/')
			dl--;
		p[dl] = '/';
		memcpy(p + dl + 1, e->d_name, el + 1);
		if (stat(p, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			free(p);
			continue;
		}
		if (nn == nc) {
			size_t ncap = nc ? nc * 2 : 16;
			char **nv = realloc(names, ncap * sizeof(*nv));
			if (!nv) {
				free(p);
				rc = -1;
				break;
			}
			names = nv;
			nc = ncap;
		}
		names[nn++] = p;
	}
	closedir(dir);
	if (nn)
		qsort(names, nn, sizeof(*names), by_name);
	for (size_t i = 0; i < nn; i++) {
		if (rc == 0 && push_input(v, n, cap, names[i]) == 0)
			continue;
		free(names[i]);
		rc = -1;
	}
	free(names);
	return rc;
}

int cli_inputs(struct cli_opts *o)
{
	struct input *v = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < o->ninputs; i++) {
		int r = strcmp(o->inputs[i], "-") == 0 ? 1 : expand_dir(o->inputs[i], &v, &n, &cap);
		char *p;
		if (r < 0)
			goto nomem;
		if (r == 0)
			continue;
		/* a file, stdin, or what cannot be read: the scan reports it */
		if (!(p = strdup(o->inputs[i])) || push_input(&v, &n, &cap, p)) {
			free(p);
			goto nomem;
		}
	}
	for (size_t i = 0; i < n; i++) {
		v[i].pos = i;
		v[i].age = o->keep_order ? 0 : rotation(v[i].path, &v[i].base_n);
		v[i].set = i;
		if (o->keep_order)
			continue;
		for (size_t k = 0; k < i; k++)
			if (v[k].base_n == v[i].base_n && memcmp(v[k].path, v[i].path, v[i].base_n) == 0) {
				v[i].set = v[k].set;
				break;
			}
	}
	if (n)
		qsort(v, n, sizeof(*v), by_set_then_age);
	o->owned_inputs = malloc((n ? n : 1) * sizeof(char *));
	if (!o->owned_inputs)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		o->owned_inputs[i] = v[i].path;
	free(v);
	o->had_inputs = o->ninputs > 0;
	o->inputs = o->owned_inputs;
	o->ninputs = n;
	o->nowned = n;
	return 0;
nomem:
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
	return -1;
}
