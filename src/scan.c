/* The per-line pipeline: every line read lands in exactly one bucket. */
#include "halyze/scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "halyze/envelope.h"
#include "halyze/fields.h"
#include "halyze/messages.h"
#include "halyze/reader.h"
#include "errfmt.h"

#define PROGRESS_EVERY 262144u

static int count1(struct hz_countmap *m, const char *p, size_t n)
{
	uint64_t *c = hz_countmap_get(m, p, n);
	if (!c)
		return HZ_ENOMEM;
	(*c)++;
	return 0;
}

static int record_connerr(struct hz_summary *s, const struct hz_connerr *ce, const char *path, uint64_t line)
{
	size_t mn = ce->known ? ce->message.n : (ce->message.n > 120 ? 120 : ce->message.n);
	int rc = count1(s->connerr_messages, ce->message.p, mn);
	int64_t ms;
	char g[400];
	size_t fn = ce->frontend.n > 200 ? 200 : ce->frontend.n;

	if (!rc)
		rc = count1(s->connerr_frontends, ce->frontend.p, ce->frontend.n);
	s->connection_errors++;
	if (rc)
		return rc;
	if (hz_field_date(ce->date, &ms, NULL))
		ms = INT64_MIN;
	memcpy(g, ce->message.p, mn);
	g[mn] = ' ';
	memcpy(g + mn + 1, ce->frontend.p, fn);
	return hz_summary_hit(s, HZ_RULE_HANDSHAKE_FAILURE, ms, ce->frontend.p, ce->frontend.n, g, mn + 1 + fn,
			      path, line);
}

/* Classifies one line into requests, connection errors, messages or unparsed. */
static int account(struct hz_summary *s, const struct hz_scan_opts *o, const char *path,
		   const struct hz_line *l, struct hz_envelope_memo *memo)
{
	struct hz_envelope env;
	struct hz_connerr ce;
	const char *kind, *why;

	if (memo)
		hz_envelope_parse_next(memo, l->p, l->n, &env);
	else
		hz_envelope_parse(l->p, l->n, &env);
	s->headers[env.kind]++;
	if (l->flags & HZ_LINE_OVERLONG)
		return hz_summary_unparsed(s, "overlong", path, l->no, l->p, l->n);
	if (l->flags & HZ_LINE_CUT)
		return hz_summary_unparsed(s, "cut by input damage", path, l->no, l->p, l->n);
	if (o->headers_only)
		return hz_summary_unparsed(s, "not parsed (--headers-only)", path, l->no, l->p, l->n);
	if (env.msg.n == 0)
		return hz_summary_unparsed(s, l->n ? "empty message" : "empty line", path, l->no, l->p, l->n);
	why = "no format matched";
	if (o->traffic) {
		int rc = o->traffic(o->traffic_ud, s, &env, path, l->no, &why);
		if (rc == 1) {
			s->requests++;
			return 0;
		}
		if (rc == 2) {
			s->connection_errors++;
			return 0;
		}
		if (rc < 0)
			return rc;
	}
	if (hz_connerr_parse(env.msg.p, env.msg.n, &ce))
		return record_connerr(s, &ce, path, l->no);
	kind = hz_message_kind(env.msg.p, env.msg.n);
	if (kind) {
		s->messages++;
		return count1(s->message_kinds, kind, strlen(kind));
	}
	return hz_summary_unparsed(s, why, path, l->no, l->p, l->n);
}

static void finish_file(struct hz_summary *s, long k, const struct hz_reader *r,
			const struct hz_err *err, int rc)
{
	struct hz_file_summary *f = &s->files[k];

	if (r) {
		const struct hz_reader_stats *st = hz_reader_stats(r);
		f->bytes = st->bytes_in;
		f->text_bytes = st->bytes_out;
		f->lines = st->lines;
		f->compressed = st->compressed;
	}
	if (rc < 0) {
		f->error_code = rc;
		f->error = strdup(err->msg[0] ? err->msg : hz_strerror(rc));
		f->error_line = err->line;
	}
}

int hz_scan_line(struct hz_summary *s, const char *path, const struct hz_line *l, const struct hz_scan_opts *o)
{
	s->lines++;
	return account(s, o, path, l, NULL);
}

/* Every line of r into s; 0 at the end, 1 when stopped, or a negative
 * status with err filled. */
static int scan_reader(struct hz_summary *s, struct hz_reader *r, const char *path, const struct hz_scan_opts *o,
		       struct hz_err *err)
{
	struct hz_line l;
	struct hz_envelope_memo memo;
	int rc;

	memo.hdr = 0;
	while ((rc = hz_reader_next(r, &l, err)) == 1) {
		s->lines++;
		rc = account(s, o, path, &l, &memo);
		if (rc < 0) {
			hz_err_set(err, rc, path, "%s", hz_strerror(rc));
			err->line = l.no;
			break;
		}
		if (o->progress && (l.no % PROGRESS_EVERY) == 0) {
			const struct hz_reader_stats *st = hz_reader_stats(r);
			struct hz_progress p = { path, st->bytes_in, st->size_hint, st->lines };
			o->progress(o->progress_ud, &p);
		}
		if (o->stop && *o->stop) {
			s->partial = 1;
			rc = 1;
			break;
		}
	}
	if (rc == 0 && o->stop && *o->stop) {
		/* the reader ended the input early on request */
		s->partial = 1;
		rc = 1;
	}
	return rc;
}

int hz_scan_path(struct hz_summary *s, const char *path, const struct hz_scan_opts *o,
		 struct hz_err *err)
{
	struct hz_reader_opts ro = { o->max_line, o->stop, 0, o->inflate_thread, 0, o->spare };
	struct hz_reader *r = NULL;
	struct hz_err local;
	long k;
	int rc;

	if (!path)
		path = "-";
	if (!err)
		err = &local;
	k = hz_summary_add_file(s, path);
	if (k < 0)
		return hz_err_set(err, HZ_ENOMEM, path, "out of memory");
	rc = hz_reader_open(&r, path, &ro, err);
	if (rc) {
		finish_file(s, k, NULL, err, rc);
		return rc;
	}
	rc = scan_reader(s, r, path, o, err);
	finish_file(s, k, r, err, rc);
	hz_reader_free(r);
	return rc;
}

int hz_scan_slice(struct hz_summary *s, const char *path, uint64_t start, uint64_t len,
		  const struct hz_scan_opts *o, struct hz_file_summary *f, struct hz_err *err)
{
	struct hz_reader_opts ro = { o->max_line, o->stop, len, 0, 0, o->spare };
	struct hz_reader *r = NULL;
	int fd, rc;

	memset(f, 0, sizeof(*f));
	if (len == 0)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hz_err_set(err, HZ_EOPEN, path, "%s", strerror(errno));
	if (lseek(fd, (off_t)start, SEEK_SET) < 0) {
		rc = hz_err_set(err, HZ_EREAD, path, "%s", strerror(errno));
		close(fd);
		return rc;
	}
	rc = hz_reader_open_fd(&r, fd, path, &ro, err);
	if (!rc) {
		const struct hz_reader_stats *st;
		rc = scan_reader(s, r, path, o, err);
		st = hz_reader_stats(r);
		f->bytes = st->bytes_in;
		f->text_bytes = st->bytes_out;
		f->lines = st->lines;
		hz_reader_free(r);
	}
	close(fd);
	return rc;
}
