/* Many inputs on several threads: parts scanned in parallel, joined and merged in input order. */
#define _DEFAULT_SOURCE 1
#include "halyze/pscan.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "halyze/reader.h"
#include "halyze/router.h"
#include "diagnose.h"
#include "errfmt.h"

/* One part: a whole input, or a slice of a plain file. */
struct part {
	size_t input;
	int slice;                 /* a slice (no file entry of its own) */
	uint64_t start, len;
	/* filled by the worker */
	struct hz_summary *s;
	struct hz_diag *diag;
	struct hz_file_summary f;  /* a slice's figures */
	struct hz_err err;
	int rc;
	int started, done;
	_Atomic uint64_t bytes, lines;   /* progress so far */
};

struct pscan {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct part *parts;
	size_t nparts, next;
	const char *const *paths;
	const struct hz_scan_opts *so;
	struct hz_router *router;
	struct hz_summary *proto;  /* settings for the parts' summaries */
	int fatal;                 /* out of memory: everyone stops */
};

struct worker {
	struct pscan *ps;
	pthread_t tid;
	int running;
	struct hz_router *fork;
	struct part *cur;          /* for the progress callback */
	struct hz_reader_buf spare;   /* the line buffer, from one part to the next */
};

static void on_progress(void *ud, const struct hz_progress *p)
{
	struct worker *w = ud;
	atomic_store(&w->cur->bytes, p->bytes_in);
	atomic_store(&w->cur->lines, p->lines);
}

static void run_part(struct worker *w, struct part *p)
{
	struct pscan *ps = w->ps;
	struct hz_scan_opts so = *ps->so;
	const char *path = ps->paths[p->input];

	so.traffic = w->fork ? hz_router_consume : NULL;
	so.traffic_ud = w->fork;
	so.progress = ps->so->progress ? on_progress : NULL;
	so.progress_ud = w;
	so.spare = &w->spare;
	w->cur = p;
	p->s = hz_summary_new(ps->proto->max_samples);
	if (!p->s) {
		p->rc = hz_err_set(&p->err, HZ_ENOMEM, path, "out of memory");
		return;
	}
	p->s->bucket_ms = ps->proto->bucket_ms;
	p->s->tables = ps->proto->tables;
	hz_summary_set_max_keys(p->s, ps->proto->max_keys);
	if (p->slice)
		p->rc = hz_scan_slice(p->s, path, p->start, p->len, &so, &p->f, &p->err);
	else
		p->rc = hz_scan_path(p->s, path, &so, &p->err);
	if (w->fork && p->rc != HZ_ENOMEM) {
		int rc;
		p->diag = hz_router_detach(w->fork, &rc);
		if (rc)
			p->rc = hz_err_set(&p->err, rc, path, "out of memory");
	}
	if (p->slice) {
		atomic_store(&p->bytes, p->f.bytes);
		atomic_store(&p->lines, p->f.lines);
	} else if (p->s->nfiles) {
		atomic_store(&p->bytes, p->s->files[0].bytes);
		atomic_store(&p->lines, p->s->files[0].lines);
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pscan *ps = w->ps;

	for (;;) {
		struct part *p = NULL;

		pthread_mutex_lock(&ps->mu);
		if (!ps->fatal && !(ps->so->stop && *ps->so->stop) && ps->next < ps->nparts) {
			p = &ps->parts[ps->next++];
			p->started = 1;
		}
		pthread_mutex_unlock(&ps->mu);
		if (!p)
			break;
		run_part(w, p);
		pthread_mutex_lock(&ps->mu);
		p->done = 1;
		if (p->rc == HZ_ENOMEM)
			ps->fatal = 1;
		pthread_cond_broadcast(&ps->cv);
		pthread_mutex_unlock(&ps->mu);
	}
	hz_reader_buf_free(&w->spare);
	return NULL;
}

/* The offset just after the first newline at or after `from`, or the end
 * of the file. */
static uint64_t line_start(int fd, uint64_t from, uint64_t size)
{
	char buf[65536];

	while (from < size) {
		ssize_t got = pread(fd, buf, sizeof(buf), (off_t)from);
		if (got <= 0)
			return size;
		char *nl = memchr(buf, '\n', (size_t)got);
		if (nl)
			return from + (uint64_t)(nl - buf) + 1;
		from += (uint64_t)got;
	}
	return size;
}

/* Appends the parts of input i: slices for a big plain file, else one. */
static int plan_input(struct pscan *ps, size_t i, uint64_t slice_bytes, unsigned max_slices, size_t *cap)
{
	const char *path = ps->paths[i];
	uint64_t size = 0, k = 1;
	struct stat sb;
	int fd = -1;

	/* stat first: opening a FIFO would block, and closing it would lose
	 * what its writer sent */
	if (slice_bytes && strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)
	    && (uint64_t)sb.st_size >= 2 * slice_bytes && (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		unsigned char magic[2];
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size >= 2 * slice_bytes
		    && pread(fd, magic, 2, 0) == 2 && !(magic[0] == 0x1f && magic[1] == 0x8b)) {
			size = (uint64_t)sb.st_size;
			uint64_t lim = max_slices && max_slices < 256 ? max_slices : 256;
			k = size / slice_bytes;
			if (k > lim)
				k = lim;
		}
	}
	for (uint64_t j = 0, start = 0; j < k; j++) {
		uint64_t end = j + 1 == k ? size : line_start(fd, size / k * (j + 1), size);
		if (k > 1 && end <= start)
			continue;   /* one line longer than a slice */
		if (ps->nparts == *cap) {
			size_t ncap = *cap ? *cap * 2 : 16;
			struct part *np = realloc(ps->parts, ncap * sizeof(*np));
			if (!np) {
				if (fd >= 0)
					close(fd);
				return HZ_ENOMEM;
			}
			ps->parts = np;
			*cap = ncap;
		}
		struct part *p = &ps->parts[ps->nparts++];
		memset(p, 0, sizeof(*p));
		p->input = i;
		p->slice = k > 1;
		p->start = start;
		p->len = end - start;
		start = end;
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

/* Folds a finished part into s, in input order. *base counts the lines of
 * the input's slices before this one. */
static int join_part(struct pscan *ps, struct hz_summary *s, struct part *p, uint64_t *base,
		     struct hz_pscan_input *out)
{
	struct hz_pscan_input *in = &out[p->input];
	const char *path = ps->paths[p->input];
	int rc = 0;

	if (p->diag) {
		rc = hz_router_join(ps->router, p->diag, p->s, p == &ps->parts[ps->nparts - 1]);
		p->diag = NULL;
	}
	if (!rc && p->slice) {
		long k = (p->start == 0) ? hz_summary_add_file(s, path) : (long)s->nfiles - 1;
		struct hz_file_summary *f;
		if (k < 0)
			return HZ_ENOMEM;
		f = &s->files[k];
		hz_summary_shift_lines(p->s, *base);
		f->bytes += p->f.bytes;
		f->text_bytes += p->f.text_bytes;
		f->lines += p->f.lines;
		if (p->rc < 0 && !f->error_code) {
			p->err.line += p->err.line ? *base : 0;
			f->error_code = p->rc;
			f->error = strdup(p->err.msg[0] ? p->err.msg : hz_strerror(p->rc));
			f->error_line = p->err.line;
		}
		*base += p->f.lines;
	}
	if (!rc && p->s)
		rc = hz_summary_merge_take(s, p->s);
	if (p->rc && in->rc >= 0) {
		in->rc = p->rc;
		in->err = p->err;
	}
	hz_summary_free(p->s);
	p->s = NULL;
	return rc;
}

static void report(struct pscan *ps, struct timespec *last)
{
	struct timespec now;
	struct hz_progress pr = { NULL, 0, 0, 0 };

	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((double)(now.tv_sec - last->tv_sec) + (double)(now.tv_nsec - last->tv_nsec) / 1e9 < 0.25)
		return;
	*last = now;
	for (size_t i = 0; i < ps->nparts; i++) {
		pr.bytes_in += atomic_load(&ps->parts[i].bytes);
		pr.lines += atomic_load(&ps->parts[i].lines);
	}
	ps->so->progress(ps->so->progress_ud, &pr);
}

int hz_pscan(struct hz_summary *s, struct hz_router *router, const char *const *paths, size_t n,
	     const struct hz_scan_opts *so, const struct hz_pscan_opts *o, struct hz_pscan_input *out)
{
	struct pscan ps;
	struct worker *w;
	unsigned nw = o->threads ? o->threads : 1;
	size_t cap = 0;
	uint64_t base = 0;
	struct timespec last = { 0, 0 };
	int rc = 0, kicked = 0;

	memset(&ps, 0, sizeof(ps));
	ps.paths = paths;
	ps.so = so;
	ps.router = router;
	ps.proto = s;
	for (size_t i = 0; i < n; i++) {
		out[i].rc = 0;
		memset(&out[i].err, 0, sizeof(out[i].err));
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = plan_input(&ps, i, o->slice_bytes, o->max_slices, &cap);
	if (rc) {
		free(ps.parts);
		return rc;
	}
	if (nw > ps.nparts)
		nw = ps.nparts ? (unsigned)ps.nparts : 1;
	w = calloc(nw, sizeof(*w));
	if (!w) {
		free(ps.parts);
		return HZ_ENOMEM;
	}
	pthread_mutex_init(&ps.mu, NULL);
	pthread_cond_init(&ps.cv, NULL);
	for (unsigned i = 0; i < nw; i++) {
		w[i].ps = &ps;
		if (router && !(w[i].fork = hz_router_fork(router))) {
			ps.fatal = 1;
			break;
		}
		if (pthread_create(&w[i].tid, NULL, work, &w[i]) != 0) {
			hz_router_free(w[i].fork);
			w[i].fork = NULL;
			if (i == 0)
				ps.fatal = 1;   /* no thread at all: nothing would run */
			break;
		}
		w[i].running = 1;
	}

	/* join the parts in input order as they finish */
	pthread_mutex_lock(&ps.mu);
	for (size_t i = 0; i < ps.nparts && !rc; i++) {
		struct part *p = &ps.parts[i];
		while (!p->done && !ps.fatal) {
			struct timespec until;
			int stop_now = so->stop && *so->stop;
			if (!p->started && stop_now)
				break;   /* never to be started */
			if (stop_now && !kicked) {
				/* a worker blocked reading a pipe hears the stop only
				 * through an interrupted read */
				for (unsigned k = 0; k < nw; k++)
					if (w[k].running && o->wake_signal)
						pthread_kill(w[k].tid, o->wake_signal);
				kicked = 1;
			}
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += 100 * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&ps.cv, &ps.mu, &until);
			if (so->progress) {
				pthread_mutex_unlock(&ps.mu);
				report(&ps, &last);
				pthread_mutex_lock(&ps.mu);
			}
		}
		if (ps.fatal) {
			rc = HZ_ENOMEM;
			break;
		}
		if (!p->done)
			break;
		if (i > 0 && ps.parts[i - 1].input != p->input)
			base = 0;
		pthread_mutex_unlock(&ps.mu);
		rc = join_part(&ps, s, p, &base, out);
		pthread_mutex_lock(&ps.mu);
		if (rc)
			ps.fatal = 1;
	}
	ps.fatal |= rc != 0;
	pthread_mutex_unlock(&ps.mu);
	for (unsigned i = 0; i < nw; i++) {
		if (w[i].running)
			pthread_join(w[i].tid, NULL);
		hz_router_free(w[i].fork);
	}
	for (size_t i = 0; i < ps.nparts; i++) {
		struct part *p = &ps.parts[i];
		/* a part that ran out of memory was never joined: its error names it */
		if (p->done && p->rc == HZ_ENOMEM && out[p->input].rc >= 0) {
			out[p->input].rc = p->rc;
			out[p->input].err = p->err;
		}
		hz_summary_free(ps.parts[i].s);
		hz_diag_free(ps.parts[i].diag);
	}
	pthread_cond_destroy(&ps.cv);
	pthread_mutex_destroy(&ps.mu);
	free(ps.parts);
	free(w);
	if (rc)
		return rc;
	if (s->partial || (so->stop && *so->stop)) {
		s->partial = 1;
		return 1;
	}
	return 0;
}
