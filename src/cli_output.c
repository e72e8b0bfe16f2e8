/* Where the CLI's words go: error lines, the output file, the progress line. */
#define _GNU_SOURCE 1
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "halyze/emit.h"
#include "halyze/sanitize.h"
#include "cli.h"

void cli_error(const char *fmt, ...)
{
	char raw[2048], safe[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* paths and messages can carry log bytes: never raw to a terminal */
	hz_escape(safe, sizeof(safe), raw, strlen(raw), HZ_ESC_TERMINAL);
	fprintf(stderr, "halyze: %s\n", safe);
}

void cli_report(const struct hz_err *e)
{
	const char *msg = e->msg[0] ? e->msg : hz_strerror(e->code);

	if (e->file[0] && e->line && e->col)
		cli_error("%s:%" PRIu64 ":%u: %s", e->file, e->line, e->col, msg);
	else if (e->file[0] && e->line)
		cli_error("%s:%" PRIu64 ": %s", e->file, e->line, msg);
	else if (e->file[0])
		cli_error("%s: %s", e->file, msg);
	else
		cli_error("%s", msg);
}

enum hz_spark cli_spark(int fd)
{
	const char *v = getenv("LC_ALL");

	if (!isatty(fd))
		return HZ_SPARK_NONE;
	if (!v || !*v)
		v = getenv("LC_CTYPE");
	if (!v || !*v)
		v = getenv("LANG");
	/* unset, C or POSIX, or any other charset: ASCII */
	if (v && (strcasestr(v, "UTF-8") || strcasestr(v, "UTF8")))
		return HZ_SPARK_UNICODE;
	return HZ_SPARK_ASCII;
}

int cli_write_html(const struct hz_summary *s, struct cli_out *out, size_t top)
{
	struct hz_html_opts ho = { top, HZ_VERSION };
	struct hz_err err;
	int rc, wrc;

	wrc = hz_emit_html(s, out->f, &ho, &err);
	rc = cli_out_close(out, wrc == 0);
	if (wrc && !rc) {
		cli_report(&err);
		rc = HZ_EXIT_OUTPUT;
	}
	return rc;
}

int cli_out_open(struct cli_out *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	{
		/* a device, FIFO or socket (-o /dev/null, -o /dev/stderr) is written
		 * in place: renaming a file over it would replace the device. So is
		 * a symlink: /dev/stdout redirected to a file must not become a file
		 * of its own in /dev */
		struct stat sb;
		if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
			o->f = fopen(path, "w");
			if (!o->f) {
				cli_error("%s: cannot open: %s", path, strerror(errno));
				return HZ_EXIT_OUTPUT;
			}
			o->path = NULL;
			o->in_place = 1;
			return 0;
		}
	}
	o->path = path;
	if (asprintf(&o->tmp, "%s.tmp.%ld", path, (long)getpid()) < 0) {
		o->tmp = NULL;
		cli_error("out of memory");
		return HZ_EXIT_INTERNAL;
	}
	o->f = fopen(o->tmp, "w");
	if (!o->f) {
		cli_error("%s: cannot create: %s", o->tmp, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return HZ_EXIT_OUTPUT;
	}
	return 0;
}

int cli_out_close(struct cli_out *o, int ok)
{
	int rc = 0;

	if (!o->f)
		return 0;
	if (o->in_place) {
		if (fflush(o->f) == EOF || ferror(o->f))
			rc = HZ_EXIT_OUTPUT;
		if (fclose(o->f) != 0)
			rc = HZ_EXIT_OUTPUT;
		if (rc)
			cli_error("output: write error: %s", strerror(errno));
		o->f = NULL;
		return rc;
	}
	if (o->f == stdout) {
		if (fflush(stdout) == EOF || ferror(stdout)) {
			cli_error("standard output: write error: %s", strerror(errno));
			rc = HZ_EXIT_OUTPUT;
		}
		return rc;
	}
	if (fflush(o->f) == EOF || ferror(o->f) || fsync(fileno(o->f)) != 0) {
		cli_error("%s: write error: %s", o->tmp, strerror(errno));
		rc = HZ_EXIT_OUTPUT;
	}
	if (fclose(o->f) != 0 && !rc) {
		cli_error("%s: write error: %s", o->tmp, strerror(errno));
		rc = HZ_EXIT_OUTPUT;
	}
	if (!rc && ok && rename(o->tmp, o->path) != 0) {
		cli_error("%s: cannot rename to %s: %s", o->tmp, o->path, strerror(errno));
		rc = HZ_EXIT_OUTPUT;
	}
	if (rc || !ok)
		unlink(o->tmp);
	free(o->tmp);
	o->f = NULL;
	return rc;
}

struct cli_progress {
	char **inputs;
	size_t n, index;
	uint64_t total;           /* sum of sizes known up front */
	uint64_t done_before;     /* bytes of the finished files */
	uint64_t lines_before;
	uint64_t lines_now;       /* of the current file */
	struct timespec t0, last;
	int shown;
};

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

struct cli_progress *cli_progress_new(char **inputs, size_t n)
{
	struct cli_progress *p = calloc(1, sizeof(*p));
	struct stat sb;

	if (!p)
		return NULL;
	p->inputs = inputs;
	p->n = n;
	for (size_t i = 0; i < n; i++)
		if (strcmp(inputs[i], "-") != 0 && stat(inputs[i], &sb) == 0 && S_ISREG(sb.st_mode))
			p->total += (uint64_t)sb.st_size;
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
	p->last = p->t0;
	return p;
}

void cli_progress_file(struct cli_progress *p, size_t index)
{
	struct stat sb;

	if (!p)
		return;
	if (index > 0 && p->index < p->n && strcmp(p->inputs[p->index], "-") != 0
	    && stat(p->inputs[p->index], &sb) == 0 && S_ISREG(sb.st_mode))
		p->done_before += (uint64_t)sb.st_size;
	p->lines_before += p->lines_now;
	p->lines_now = 0;
	p->index = index;
}

void cli_progress_cb(void *ud, const struct hz_progress *pr)
{
	struct cli_progress *p = ud;
	struct timespec now;
	char name[256];
	double el, rate, frac;
	uint64_t done;

	p->lines_now = pr->lines;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (since(&p->last, &now) < 0.25)
		return;
	p->last = now;
	el = since(&p->t0, &now);
	if (!pr->path) {
		/* totals of every input, from the threads */
		p->done_before = 0;
		p->lines_before = 0;
		fprintf(stderr, "\r\033[Khalyze: %zu input%s  %.1f MiB", p->n, p->n == 1 ? "" : "s",
			(double)pr->bytes_in / 1048576.0);
	}
	done = p->done_before + pr->bytes_in;
	rate = el > 0 ? (double)done / el : 0;
	if (pr->path) {
		hz_escape(name, 48, pr->path, strlen(pr->path), HZ_ESC_TERMINAL);
		fprintf(stderr, "\r\033[Khalyze: [%zu/%zu] %s  %.1f MiB", p->index + 1, p->n, name,
			(double)done / 1048576.0);
	}
	if (p->total > 0 && done <= p->total) {
		frac = (double)done / (double)p->total;
		fprintf(stderr, " of %.1f MiB (%.0f%%)", (double)p->total / 1048576.0, 100 * frac);
		if (rate > 0) {
			double left = (double)(p->total - done) / rate;
			fprintf(stderr, "  %.0f MiB/s  %d:%02d left", rate / 1048576.0, (int)left / 60,
				(int)left % 60);
		}
	} else if (rate > 0) {
		fprintf(stderr, "  %.0f MiB/s", rate / 1048576.0);
	}
	fprintf(stderr, "  %.2f M lines/s", el > 0 ? (double)(p->lines_before + pr->lines) / el / 1e6 : 0.0);
	p->shown = 1;
}

void cli_progress_done(struct cli_progress *p)
{
	if (!p)
		return;
	if (p->shown)
		fputs("\r\033[K", stderr);
	free(p);
}
