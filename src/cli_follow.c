/* --follow: tail files like tail -F and write a fresh summary every --interval. */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "halyze/emit.h"
#include "halyze/reader.h"
#include "halyze/router.h"
#include "halyze/scan.h"
#include "cli.h"

struct followed {
	const char *path;
	struct hz_reader *r;
	long k;                /* its entry in s->files, -1 when closed */
	dev_t dev;
	ino_t ino;
	int told;              /* "waiting for PATH" was said */
};

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void update_entry(struct hz_summary *s, struct followed *f)
{
	const struct hz_reader_stats *st;

	if (!f->r || f->k < 0)
		return;
	st = hz_reader_stats(f->r);
	s->files[f->k].bytes = st->bytes_in;
	s->files[f->k].text_bytes = st->bytes_out;
	s->files[f->k].lines = st->lines;
	s->files[f->k].compressed = st->compressed;
}

static int open_followed(const struct cli_opts *o, struct hz_summary *s, struct followed *f)
{
	struct hz_reader_opts ro = { o->max_line, NULL, 0, 0, 1, NULL };
	struct hz_err err;
	struct stat sb;

	if (stat(f->path, &sb) != 0) {
		if (!f->told && !o->quiet)
			cli_error("%s: %s; waiting for it to appear", f->path, strerror(errno));
		f->told = 1;
		return 0;
	}
	if (hz_reader_open(&f->r, f->path, &ro, &err)) {
		if (!f->told)
			cli_report(&err);
		f->told = 1;
		return 0;
	}
	f->told = 0;
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	f->k = hz_summary_add_file(s, f->path);
	return f->k < 0 ? HZ_ENOMEM : 0;
}

/* Reads what the file holds now; returns 0, or a negative status. */
static int drain(const struct hz_scan_opts *so, struct hz_summary *s, struct followed *f, volatile sig_atomic_t *stop)
{
	struct hz_line l;
	struct hz_err err;
	int rc;

	while ((rc = hz_reader_next(f->r, &l, &err)) == 1) {
		int arc = hz_scan_line(s, f->path, &l, so);
		if (arc < 0)
			return arc;
		if (*stop)
			return 0;
	}
	if (rc == HZ_READER_AGAIN)
		return 0;
	/* the end (a gzip file, or follow ended) or a read error */
	update_entry(s, f);
	if (rc < 0) {
		cli_report(&err);
		s->files[f->k].error_code = rc;
		s->files[f->k].error = strdup(err.msg);
		s->files[f->k].error_line = err.line;
	}
	hz_reader_free(f->r);
	f->r = NULL;
	f->k = -1;
	return 0;
}

/* Whether the path now names another file (rotated) or a shorter one
 * (truncated, as copytruncate does). */
static int replaced(const struct followed *f)
{
	struct stat sb;

	if (stat(f->path, &sb) != 0)
		return 0;   /* moved away, the new one not there yet: keep reading the old */
	if (sb.st_dev != f->dev || sb.st_ino != f->ino)
		return 1;
	return (uint64_t)sb.st_size < hz_reader_stats(f->r)->bytes_in;
}

static int snapshot(const struct cli_opts *o, struct hz_summary *s, struct hz_router *router,
		    struct followed *fs, size_t n)
{
	struct hz_err err;
	int wrc;

	for (size_t i = 0; i < n; i++)
		update_entry(s, &fs[i]);
	if (router && hz_router_finish(router, s))
		return HZ_EXIT_INTERNAL;
	if (o->events && !o->output)
		return fflush(stdout) == EOF ? HZ_EXIT_OUTPUT : 0;   /* stdout carries the events */
	if (o->output) {
		struct cli_out out;
		int rc = cli_out_open(&out, o->output);
		if (rc)
			return rc;
		if (o->json)
			wrc = hz_emit_json(s, out.f, &err);
		else {
			struct hz_text_opts to = { o->top, HZ_VERSION, HZ_SPARK_NONE };
			wrc = hz_emit_text(s, out.f, &to, &err);
		}
		rc = cli_out_close(&out, wrc == 0);
		if (wrc && !rc) {
			cli_report(&err);
			rc = HZ_EXIT_OUTPUT;
		}
		return rc;
	}
	wrc = hz_emit_json_line(s, stdout, &err);
	if (wrc || fflush(stdout) == EOF) {
		cli_error("standard output: write error");
		return HZ_EXIT_OUTPUT;
	}
	return 0;
}

int cli_follow(const struct cli_opts *o, struct hz_summary *s, struct hz_router *router,
	       volatile sig_atomic_t *stop)
{
	struct hz_scan_opts so;
	struct followed *fs = calloc(o->ninputs ? o->ninputs : 1, sizeof(*fs));
	double next;
	int rc = 0;

	if (!fs) {
		cli_error("out of memory");
		return HZ_EXIT_INTERNAL;
	}
	memset(&so, 0, sizeof(so));
	so.max_line = o->max_line;
	so.headers_only = o->headers_only;
	if (router) {
		so.traffic = hz_router_consume;
		so.traffic_ud = router;
	}
	for (size_t i = 0; i < o->ninputs; i++) {
		fs[i].path = o->inputs[i];
		fs[i].k = -1;
	}
	next = now_s() + (double)o->interval;
	while (!*stop && !rc) {
		int idle = 1;
		for (size_t i = 0; i < o->ninputs && !rc && !*stop; i++) {
			struct followed *f = &fs[i];
			uint64_t before;
			if (!f->r) {
				if ((rc = open_followed(o, s, f)) || !f->r)
					continue;
			}
			before = hz_reader_stats(f->r)->lines;
			if (f->r && replaced(f)) {
				/* what the old file still held, its last line too, then the new */
				hz_reader_follow_end(f->r);
				rc = drain(&so, s, f, stop);
				if (!rc && f->r) {
					update_entry(s, f);
					hz_reader_free(f->r);
					f->r = NULL;
					f->k = -1;
				}
				idle = 0;
				continue;
			}
			rc = drain(&so, s, f, stop);
			if (f->r && hz_reader_stats(f->r)->lines != before)
				idle = 0;
		}
		if (rc < 0) {
			cli_error("out of memory");
			rc = HZ_EXIT_INTERNAL;
			break;
		}
		if (now_s() >= next) {
			if ((rc = snapshot(o, s, router, fs, o->ninputs)))
				break;
			next += (double)o->interval;
			if (next < now_s())
				next = now_s() + (double)o->interval;
		}
		if (idle && !*stop)
			usleep(200000);
	}
	/* interrupted: the final summary, of every line read (a last line
	 * still without its newline too) */
	for (size_t i = 0; i < o->ninputs && !rc; i++) {
		volatile sig_atomic_t go_on = 0;
		if (!fs[i].r)
			continue;
		hz_reader_follow_end(fs[i].r);
		if (drain(&so, s, &fs[i], &go_on) < 0) {
			cli_error("out of memory");
			rc = HZ_EXIT_INTERNAL;
		}
	}
	if (!rc)
		rc = snapshot(o, s, router, fs, o->ninputs);
	for (size_t i = 0; i < o->ninputs; i++)
		hz_reader_free(fs[i].r);
	free(fs);
	return rc;
}
