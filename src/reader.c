/* Streaming line reader: one buffer, memchr for '\n', gzip by magic bytes. */
#include "halyze/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef HZ_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#else
#include <zlib.h>
#endif

#include "errfmt.h"

/* Bytes asked of read(2) or inflate() per refill. Big enough to amortise the
 * system call, small enough that the memchr that follows finds it in cache. */
#define CHUNK (256u * 1024u)
/* What an overlong line keeps for samples. */
#define OVERLONG_KEEP 1024u

/* The inflater: one gzip member at a time, over the reader's input buffer.
 * Two implementations follow (zlib, or ISA-L when HZ_HAVE_ISAL); the member
 * boundaries, padding, garbage and truncation are decided by the reader, the
 * same way for both. */
enum inf_status {
	INF_OK,     /* progress, or all input taken: give more input */
	INF_END,    /* the member ended and its trailer (CRC-32, ISIZE) checked */
	INF_BAD,    /* corrupt data; *why says what */
};

struct inflater;
static struct inflater *inf_new(void);
static void inf_reset(struct inflater *z);     /* before each member */
/* Inflates from *in (n_in bytes) into out (room bytes); advances *in and
 * *n_in past what was consumed, sets *made. On INF_BAD, *why is a static
 * string and *held the input bytes taken but not yet decoded. */
static enum inf_status inf_run(struct inflater *z, unsigned char **in, size_t *n_in,
			       unsigned char *out, size_t room, size_t *made,
			       const char **why, size_t *held);
static void inf_free(struct inflater *z);

struct hz_reader {
	int fd;
	int own_fd;
	char *name;
	size_t max_line;
	volatile sig_atomic_t *stop;
	uint64_t limit;     /* bytes left to read of a slice; UINT64_MAX: no slice */

	char *buf;          /* decompressed text; [start, end) not yet delivered */
	size_t cap, start, end;
	struct hz_reader_buf *spare;   /* where buf goes when r is freed, or NULL */
	uint64_t text_off;  /* text bytes that came before buf[0] */
	uint64_t lineno;
	int eof;            /* no more text will arrive */

	int skipping;       /* inside an overlong line, discarding up to '\n' */
	uint64_t skip_len;
	char *ovl;          /* prefix kept from the overlong line */
	size_t ovl_n;

	int pending;        /* error to report once the text before it is delivered */
	uint64_t cut_no;    /* number of the line the damage cut, 0 if none */
	struct hz_err perr;
	int reported;

	int gz;             /* gzip mode */
	struct inflater *inf;
	unsigned char *zin; /* compressed input; [in, in + n_in) not yet inflated */
	unsigned char *in;
	size_t n_in;
	int raw_eof;
	uint64_t member;    /* gzip members started */

	struct hz_reader_stats st;

	struct ahead *ahead;   /* gzip inflated on a thread of its own, or NULL */
	int follow;            /* at the end, wait for more (tail -F) */
	int starved;           /* a read at the end found nothing yet */
};

/* Inflating ahead: a thread runs an inner reader's gz_fill into blocks
 * while this one splits the previous blocks into lines. The inner reader
 * owns the descriptor's reading, the inflater and the compressed input;
 * errors travel with the block they end, so they are reported after the
 * text before them, as without the thread. */
#define NBLOCKS 4
/* the largest room before a block's text: --max-line beyond it copies */
#define PRE_MAX (1u << 20)
struct block {
	char *p;
	size_t n;
	int eof, pending;
	struct hz_err perr;
	uint64_t bytes_in;
};

struct ahead {
	pthread_t tid;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct block b[NBLOCKS];
	size_t head, len;      /* filled blocks, oldest first */
	size_t off;            /* bytes of the head block already taken */
	size_t pre;            /* room before each block's text (0: none) */
	int quit;
	struct hz_reader *inner;
};

/* read(2), retried on EINTR unless the caller asked to stop: then 0, the
 * end of the input. */
static ssize_t read_full(const struct hz_reader *rd, int fd, void *p, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, p, n);
		if (r >= 0 || errno != EINTR)
			return r;
		if (rd->stop && *rd->stop)
			return 0;
	}
}

static void set_pending(struct hz_reader *r, int code, const char *fmt, ...)
	HZ_PRINTF(3, 4);

static void set_pending(struct hz_reader *r, int code, const char *fmt, ...)
{
	va_list ap;

	if (r->pending)
		return;
	r->pending = code;
	memset(&r->perr, 0, sizeof(r->perr));
	r->perr.code = code;
	snprintf(r->perr.file, sizeof(r->perr.file), "%s", r->name);
	va_start(ap, fmt);
	vsnprintf(r->perr.msg, sizeof(r->perr.msg), fmt, ap);
	va_end(ap);
	r->eof = 1;
}

/* Reads raw bytes for the inflater. */
static void gz_read_raw(struct hz_reader *r)
{
	ssize_t got;

	if (r->raw_eof)
		return;
	if (r->n_in > 0 && r->in != r->zin)
		memmove(r->zin, r->in, r->n_in);
	r->in = r->zin;
	got = read_full(r, r->fd, r->zin + r->n_in, CHUNK - r->n_in);
	if (got < 0) {
		set_pending(r, HZ_EREAD, "%s", strerror(errno));
		r->raw_eof = 1;
		return;
	}
	if (got == 0)
		r->raw_eof = 1;
	r->n_in += (size_t)got;
	r->st.bytes_in += (uint64_t)got;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* After a member's end: start the next member, or decide the stream is over. */
static void gz_next_member(struct hz_reader *r)
{
	for (;;) {
		if (r->n_in < 2 && !r->raw_eof) {
			gz_read_raw(r);
			if (r->pending)
				return;
			continue;
		}
		if (r->n_in == 0) {
			r->eof = 1;
			return;
		}
		if (r->n_in >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b) {
			inf_reset(r->inf);
			r->member++;
			return;
		}
		/* gzip(1) accepts zero padding after the last member; so do we. */
		if (all_zero(r->in, r->n_in)) {
			r->n_in = 0;
			if (r->raw_eof) {
				r->eof = 1;
				return;
			}
			continue;
		}
		set_pending(r, HZ_EGZIP_TRAILING,
			    "garbage after gzip data (member %llu ends at text byte %llu)",
			    (unsigned long long)r->member,
			    (unsigned long long)(r->text_off + r->end));
		return;
	}
}

/* Inflates into buf[end, cap). Returns the bytes produced. */
static size_t gz_fill(struct hz_reader *r)
{
	size_t room = r->cap - r->end, made = 0;
	int starved = 0; /* the inflater took nothing from the input it had */

	while (made == 0 && !r->eof) {
		enum inf_status zs;
		const char *why = NULL;
		size_t held = 0, before;

		if (r->n_in == 0 || starved) {
			before = r->n_in;
			if (before == CHUNK) {
				set_pending(r, HZ_EGZIP_CORRUPT,
					    "gzip data corrupt at compressed byte %llu: inflater stalled",
					    (unsigned long long)(r->st.bytes_in - r->n_in));
				break;
			}
			gz_read_raw(r);
			if (r->pending)
				break;
			if (r->n_in == before && r->raw_eof) {
				set_pending(r, HZ_EGZIP_TRUNCATED,
					    "gzip stream truncated at compressed byte %llu",
					    (unsigned long long)r->st.bytes_in);
				break;
			}
			starved = 0;
		}
		before = r->n_in;
		zs = inf_run(r->inf, &r->in, &r->n_in, (unsigned char *)r->buf + r->end, room,
			     &made, &why, &held);
		if (zs == INF_END) {
			r->end += made;
			room -= made;
			gz_next_member(r);
			if (made)
				return made;
			continue;
		}
		if (zs == INF_OK) {
			starved = made == 0 && r->n_in == before;
			continue;
		}
		if (held > r->st.bytes_in - r->n_in)
			held = 0;
		set_pending(r, HZ_EGZIP_CORRUPT, "gzip data corrupt at compressed byte %llu: %s",
			    (unsigned long long)(r->st.bytes_in - r->n_in - held), why);
		break;
	}
	r->end += made;
	return made;
}

static size_t plain_fill(struct hz_reader *r)
{
	size_t room = r->cap - r->end;
	ssize_t got;

	if (room > CHUNK)
		room = CHUNK;
	if (room > r->limit)
		room = (size_t)r->limit;
	got = room ? read_full(r, r->fd, r->buf + r->end, room) : 0;

	if (got < 0) {
		set_pending(r, HZ_EREAD, "%s", strerror(errno));
		return 0;
	}
	if (got == 0) {
		if (r->follow && room) {
			r->starved = 1;
			return 0;
		}
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)got;
	r->st.bytes_in += (uint64_t)got;
	if (r->limit != UINT64_MAX)
		r->limit -= (uint64_t)got;
	return (size_t)got;
}

static void *ahead_run(void *arg)
{
	struct ahead *a = arg;
	struct hz_reader *in = a->inner;

	for (;;) {
		struct block *b;

		pthread_mutex_lock(&a->mu);
		while (a->len == NBLOCKS && !a->quit)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->quit) {
			pthread_mutex_unlock(&a->mu);
			break;
		}
		b = &a->b[(a->head + a->len) % NBLOCKS];
		pthread_mutex_unlock(&a->mu);

		in->buf = b->p;
		in->cap = CHUNK;
		in->start = in->end = 0;
		while (in->end < in->cap && !in->eof)
			gz_fill(in);
		in->text_off += in->end;
		b->n = in->end;
		b->eof = in->eof;
		b->pending = in->pending;
		if (in->pending)
			b->perr = in->perr;
		b->bytes_in = in->st.bytes_in;

		pthread_mutex_lock(&a->mu);
		a->len++;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		if (b->eof)
			break;
	}
	return NULL;
}

/* The end of ahead_take: the block's error and end, and the next block. */
static void ahead_next(struct hz_reader *r, struct ahead *a, struct block *b)
{
	if (b->pending) {
		r->pending = b->pending;
		r->perr = b->perr;
		snprintf(r->perr.file, sizeof(r->perr.file), "%s", r->name);
	}
	if (b->eof) {
		r->eof = 1;
		return;   /* the thread is done: the block stays */
	}
	pthread_mutex_lock(&a->mu);
	a->off = 0;
	a->head = (a->head + 1) % NBLOCKS;
	a->len--;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

/* Copies inflated text from the blocks into buf[end, cap). */
static void ahead_take(struct hz_reader *r)
{
	struct ahead *a = r->ahead;
	struct block *b;
	size_t room = r->cap - r->end, k;

	pthread_mutex_lock(&a->mu);
	while (a->len == 0)
		pthread_cond_wait(&a->cv, &a->mu);
	b = &a->b[a->head];
	pthread_mutex_unlock(&a->mu);

	k = b->n - a->off < room ? b->n - a->off : room;
	memcpy(r->buf + r->end, b->p + a->off, k);
	r->end += k;
	a->off += k;
	r->st.bytes_in = b->bytes_in;
	if (a->off < b->n)
		return;
	ahead_next(r, a, b);
}

static void ahead_free(struct ahead *a)
{
	if (!a)
		return;
	if (a->started) {
		pthread_mutex_lock(&a->mu);
		a->quit = 1;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->tid, NULL);
	}
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	for (int i = 0; i < NBLOCKS; i++)
		if (a->b[i].p)
			free(a->b[i].p - a->pre);
	if (a->inner) {
		a->inner->buf = NULL;   /* a block, freed above */
		a->inner->fd = -1;
		hz_reader_free(a->inner);
	}
	free(a);
}

/* Hands the gzip state of r to an inner reader inflating on a thread. A
 * failure leaves r inflating by itself. */
static void ahead_start(struct hz_reader *r)
{
	struct ahead *a = calloc(1, sizeof(*a));
	struct hz_reader *in;

	if (!a)
		return;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	/* each block is the size of r's buffer, its text behind room for the
	 * longest tail a refill keeps: the blocks and r's buffer can then
	 * trade places instead of the text being copied (ahead_swap) */
	a->pre = r->cap - CHUNK <= PRE_MAX ? r->cap - CHUNK : 0;
	for (int i = 0; i < NBLOCKS; i++) {
		char *mem = malloc(a->pre + CHUNK);
		if (!mem) {
			ahead_free(a);
			return;
		}
		a->b[i].p = mem + a->pre;
	}
	in = a->inner = calloc(1, sizeof(*in));
	if (!in || !(in->name = strdup(r->name))) {
		ahead_free(a);
		return;
	}
	in->fd = r->fd;
	in->stop = r->stop;
	in->limit = UINT64_MAX;
	in->max_line = r->max_line;
	in->gz = 1;
	in->inf = r->inf;
	in->zin = r->zin;
	in->in = r->in;
	in->n_in = r->n_in;
	in->member = r->member;
	in->st = r->st;
	if (pthread_create(&a->tid, NULL, ahead_run, a) != 0) {
		in->inf = NULL;
		in->zin = NULL;
		ahead_free(a);
		return;
	}
	a->started = 1;
	r->inf = NULL;
	r->zin = NULL;
	r->in = NULL;
	r->n_in = 0;
	r->ahead = a;
}

/* refill from a whole block without copying it: the undelivered tail goes
 * into the room before the block's text, the block becomes r's buffer, and
 * r's buffer the block's memory for the inflating thread to fill. 0 when
 * it cannot (the block half taken, no room, an empty block): then
 * ahead_take copies. */
static int ahead_swap(struct hz_reader *r)
{
	struct ahead *a = r->ahead;
	size_t tail = r->end - r->start;
	struct block *b;
	char *mem;

	if (!a->pre || a->off || tail > a->pre)
		return 0;
	pthread_mutex_lock(&a->mu);
	while (a->len == 0)
		pthread_cond_wait(&a->cv, &a->mu);
	b = &a->b[a->head];
	pthread_mutex_unlock(&a->mu);
	if (b->n == 0)
		return 0;
	memcpy(b->p - tail, r->buf + r->start, tail);
	/* buf[0] moves: text_off names the text before it (it may wrap
	 * below 0 for a while; only text_off + an index is ever read) */
	r->text_off += r->start;
	r->text_off -= a->pre - tail;
	mem = b->p - a->pre;
	b->p = r->buf + a->pre;
	r->buf = mem;
	r->start = a->pre - tail;
	r->end = a->pre + b->n;
	r->st.bytes_in = b->bytes_in;
	a->off = b->n;
	ahead_next(r, a, b);
	return 1;
}

/* Moves the undelivered tail to the front and reads more behind it. */
static void refill(struct hz_reader *r)
{
	if (r->ahead && ahead_swap(r))
		return;
	if (r->start > 0) {
		size_t tail = r->end - r->start;
		if (tail)
			memmove(r->buf, r->buf + r->start, tail);
		r->text_off += r->start;
		r->start = 0;
		r->end = tail;
	}
	if (r->ahead)
		ahead_take(r);
	else if (r->gz)
		gz_fill(r);
	else
		plain_fill(r);
}

/* Reads the first bytes and switches to gzip when they are its magic. */
static int sniff(struct hz_reader *r, struct hz_err *err)
{
	while (r->end < 2 && !r->eof && !r->starved) {
		plain_fill(r);
		if (r->pending) {
			*err = r->perr;
			return r->pending;
		}
	}
	if (r->limit == UINT64_MAX && r->end >= 2 && (unsigned char)r->buf[0] == 0x1f && (unsigned char)r->buf[1] == 0x8b) {
		r->zin = malloc(CHUNK);
		if (!r->zin)
			return hz_err_set(err, HZ_ENOMEM, r->name, "cannot allocate the inflate buffer");
		r->inf = inf_new();
		if (!r->inf)
			return hz_err_set(err, HZ_ENOMEM, r->name, "cannot initialise the inflater");
		memcpy(r->zin, r->buf, r->end);
		r->in = r->zin;
		r->n_in = r->end;
		r->end = 0;
		r->gz = 1;
		r->member = 1;
		r->st.compressed = 1;
		r->eof = 0;
		r->raw_eof = 0;
		/* A file of just the magic bytes read to its end already. */
	}
	return 0;
}

int hz_reader_open_fd(struct hz_reader **out, int fd, const char *name,
		      const struct hz_reader_opts *opts, struct hz_err *err)
{
	struct hz_reader *r;
	struct stat sb;
	int regular = 0;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return hz_err_set(err, HZ_ENOMEM, name, "out of memory");
	r->fd = fd;
	r->name = strdup(name ? name : "-");
	r->max_line = opts && opts->max_line ? opts->max_line : HZ_READER_DEFAULT_MAX_LINE;
	r->stop = opts ? opts->stop : NULL;
	r->limit = opts && opts->limit ? opts->limit : UINT64_MAX;
	r->cap = r->max_line + 1 + CHUNK;
	r->spare = opts ? opts->spare : NULL;
	if (r->spare && r->spare->p && r->spare->cap == r->cap) {
		r->buf = r->spare->p;
		r->spare->p = NULL;
	} else {
		r->buf = malloc(r->cap);
	}
	r->ovl = malloc(OVERLONG_KEEP);
	if (!r->name || !r->buf || !r->ovl) {
		size_t want = r->cap;
		hz_reader_free(r);
		return hz_err_set(err, HZ_ENOMEM, name, "cannot allocate a %zu-byte line buffer", want);
	}
	if (fstat(fd, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			hz_reader_free(r);
			return hz_err_set(err, HZ_EISDIR, name, "is a directory");
		}
		if (S_ISREG(sb.st_mode)) {
			regular = 1;
			r->st.size_hint = (uint64_t)sb.st_size;
#ifdef POSIX_FADV_SEQUENTIAL
			posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
		}
	}
	r->follow = opts && opts->follow;
	rc = sniff(r, err);
	r->starved = 0;
	if (rc) {
		r->own_fd = 0;
		hz_reader_free(r);
		return rc;
	}
	if (r->gz)
		r->follow = 0;
	if (opts && opts->inflate_thread && r->gz && !r->eof && regular)
		ahead_start(r);
	*out = r;
	return 0;
}

int hz_reader_open(struct hz_reader **out, const char *path,
		   const struct hz_reader_opts *opts, struct hz_err *err)
{
	int fd, rc;

	if (!path || strcmp(path, "-") == 0)
		return hz_reader_open_fd(out, 0, "-", opts, err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*out = NULL;
		return hz_err_set(err, errno == EISDIR ? HZ_EISDIR : HZ_EOPEN, path, "%s", strerror(errno));
	}
	rc = hz_reader_open_fd(out, fd, path, opts, err);
	if (rc) {
		close(fd);
		return rc;
	}
	(*out)->own_fd = 1;
	return 0;
}

static int deliver(struct hz_reader *r, struct hz_line *line, const char *p, size_t n, unsigned flags)
{
	if (n && p[n - 1] == '\r') {
		n--;
		flags |= HZ_LINE_CRLF;
	}
	line->p = p;
	line->n = n;
	line->full_len = n;
	line->no = ++r->lineno;
	line->flags = flags;
	if (flags & HZ_LINE_CUT)
		r->cut_no = line->no;
	r->st.lines++;
	r->st.bytes_out += n;
	return 1;
}

static int deliver_overlong(struct hz_reader *r, struct hz_line *line, unsigned flags)
{
	line->p = r->ovl;
	line->n = r->ovl_n;
	line->full_len = r->skip_len;
	line->no = ++r->lineno;
	line->flags = flags | HZ_LINE_OVERLONG;
	if (flags & HZ_LINE_CUT)
		r->cut_no = line->no;
	r->st.lines++;
	r->st.overlong++;
	r->st.bytes_out += r->skip_len;
	r->skipping = 0;
	return 1;
}

/* Adds to the kept prefix of an overlong line from the next k bytes of it
 * (at s, line offset skip_len), so that the prefix is the same however the
 * line was split across reads. */
static void keep_prefix(struct hz_reader *r, const char *s, size_t k)
{
	size_t from, take;

	if (r->ovl_n >= OVERLONG_KEEP || r->skip_len + k <= r->ovl_n)
		return;
	from = r->ovl_n - (size_t)r->skip_len;
	take = k - from;
	if (take > OVERLONG_KEEP - r->ovl_n)
		take = OVERLONG_KEEP - r->ovl_n;
	memcpy(r->ovl + r->ovl_n, s + from, take);
	r->ovl_n += take;
}

int hz_reader_next(struct hz_reader *r, struct hz_line *line, struct hz_err *err)
{
	for (;;) {
		size_t avail = r->end - r->start;
		const char *s = r->buf + r->start;
		const char *nl;

		if (r->skipping) {
			nl = avail ? memchr(s, '\n', avail) : NULL;
			if (nl) {
				keep_prefix(r, s, (size_t)(nl - s));
				r->skip_len += (size_t)(nl - s);
				r->start += (size_t)(nl - s) + 1;
				return deliver_overlong(r, line, 0);
			}
			keep_prefix(r, s, avail);
			r->skip_len += avail;
			r->start = r->end;
			if (r->eof) {
				if (r->skip_len || !r->pending)
					return deliver_overlong(r, line, r->pending ? HZ_LINE_CUT : HZ_LINE_NO_EOL);
			} else {
				refill(r);
				if (r->starved)
					break;
				continue;
			}
		} else if (avail) {
			nl = memchr(s, '\n', avail);
			if (nl) {
				size_t len = (size_t)(nl - s);
				r->start += len + 1;
				if (len > r->max_line && !(len == r->max_line + 1 && s[len - 1] == '\r')) {
					r->ovl_n = len < OVERLONG_KEEP ? len : OVERLONG_KEEP;
					memcpy(r->ovl, s, r->ovl_n);
					r->skip_len = len;
					return deliver_overlong(r, line, 0);
				}
				return deliver(r, line, s, len, 0);
			}
			/* Longer than a line may be, whatever follows; a CR that may
			 * turn out to be the line's CRLF waits for the next byte, as
			 * it would had the LF come in the same read. */
			if (avail > r->max_line + 1 || (avail == r->max_line + 1 && s[avail - 1] != '\r')) {
				r->ovl_n = 0;
				r->skipping = 1;
				r->skip_len = 0;
				continue;
			}
			if (r->eof) {
				r->start = r->end;
				return deliver(r, line, s, avail, r->pending ? HZ_LINE_CUT : HZ_LINE_NO_EOL);
			}
			refill(r);
			if (r->starved)
				break;
			continue;
		} else if (!r->eof) {
			refill(r);
			if (r->starved)
				break;
			continue;
		}
		/* Nothing left: report a pending error once, then the end. */
		if (r->pending && !r->reported) {
			r->reported = 1;
			if (err) {
				*err = r->perr;
				err->line = r->cut_no ? r->cut_no : r->lineno + 1;
				err->byte = r->text_off + r->end;
			}
			return r->pending;
		}
		return 0;
	}
	r->starved = 0;
	return HZ_READER_AGAIN;
}

int hz_reader_count(struct hz_reader *r, uint64_t max, uint64_t *count, struct hz_err *err)
{
	uint64_t n = 0;
	int partial = 0;  /* bytes of a line whose LF is still to come */

	for (;;) {
		const char *s = r->buf + r->start, *e = r->buf + r->end, *nl;

#ifdef __SSE2__
		/* 64 bytes at a time while the count stays under max: no call
		 * and no branch per line */
		while (e - s >= 64) {
			const __m128i lf = _mm_set1_epi8('\n');
			uint64_t m = (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)s), lf))
				     | (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + 16)), lf)) << 16
				     | (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + 32)), lf)) << 32
				     | (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + 48)), lf)) << 48;
			uint64_t k = (uint64_t)__builtin_popcountll(m);
			if (n + k >= max)
				break;   /* the max-th LF is in here: the loop below finds it */
			n += k;
			/* a line is open after the block unless it ends with its LF */
			partial = !(m >> 63);
			s += 64;
		}
#endif
		while (n < max && s < e && (nl = memchr(s, '\n', (size_t)(e - s)))) {
			n++;
			s = nl + 1;
			partial = 0;
		}
		if (n >= max) {
			r->start = (size_t)(s - r->buf);
			break;
		}
		/* no LF in the rest: only whether a line is open matters */
		partial |= s < e;
		r->start = r->end;
		if (r->eof) {
			if (partial)
				n++;
			break;
		}
		refill(r);
	}
	r->lineno += n;
	r->st.lines += n;
	*count = n;
	if (r->pending && !r->reported && r->eof && r->start == r->end) {
		r->reported = 1;
		if (err) {
			*err = r->perr;
			err->line = r->lineno;
			err->byte = r->text_off + r->end;
		}
		return r->pending;
	}
	return 0;
}

const struct hz_reader_stats *hz_reader_stats(const struct hz_reader *r)
{
	return &r->st;
}

void hz_reader_follow_end(struct hz_reader *r)
{
	r->follow = 0;
	r->starved = 0;
}

void hz_reader_buf_free(struct hz_reader_buf *b)
{
	free(b->p);
	b->p = NULL;
}

void hz_reader_free(struct hz_reader *r)
{
	if (!r)
		return;
	ahead_free(r->ahead);
	inf_free(r->inf);
	if (r->own_fd)
		close(r->fd);
	free(r->zin);
	/* every buffer r->buf can be (its own, or a block of the inflating
	 * thread's) holds r->cap bytes */
	if (r->spare && r->buf && !r->spare->p) {
		r->spare->p = r->buf;
		r->spare->cap = r->cap;
	} else {
		free(r->buf);
	}
	free(r->ovl);
	free(r->name);
	free(r);
}

#ifndef HZ_HAVE_ISAL
/* zlib: inflate() with gzip framing (windowBits 15 + 16). */
struct inflater {
	z_stream zs;
};

static struct inflater *inf_new(void)
{
	struct inflater *z = calloc(1, sizeof(*z));

	if (z && inflateInit2(&z->zs, 15 + 16) != Z_OK) {
		free(z);
		return NULL;
	}
	return z;
}

static void inf_reset(struct inflater *z)
{
	inflateReset(&z->zs);
}

static enum inf_status inf_run(struct inflater *z, unsigned char **in, size_t *n_in,
			       unsigned char *out, size_t room, size_t *made,
			       const char **why, size_t *held)
{
	int zr;

	if (room > UINT_MAX)
		room = UINT_MAX;
	z->zs.next_in = *in;
	z->zs.avail_in = (uInt)*n_in; /* at most CHUNK */
	z->zs.next_out = out;
	z->zs.avail_out = (uInt)room;
	zr = inflate(&z->zs, Z_NO_FLUSH);
	*made = room - z->zs.avail_out;
	*in = z->zs.next_in;
	*n_in = z->zs.avail_in;
	if (zr == Z_STREAM_END)
		return INF_END;
	if (zr == Z_OK || (zr == Z_BUF_ERROR && z->zs.avail_in == 0))
		return INF_OK;
	*why = z->zs.msg ? z->zs.msg : "invalid data";
	*held = 0;
	return INF_BAD;
}

static void inf_free(struct inflater *z)
{
	if (!z)
		return;
	inflateEnd(&z->zs);
	free(z);
}

#else
/* ISA-L: isal_inflate() with crc_flag ISAL_GZIP parses the header and checks
 * the trailer (CRC-32 and ISIZE); it stops at the end of a member, like
 * zlib, and gives back the input bytes it buffered past the trailer. */
struct inflater {
	struct inflate_state st;
	int head_ok;        /* the member's CM and FLG bytes were checked */
};

static struct inflater *inf_new(void)
{
	struct inflater *z = malloc(sizeof(*z));

	if (!z)
		return NULL;
	isal_inflate_init(&z->st);
	z->st.crc_flag = ISAL_GZIP;
	z->head_ok = 0;
	return z;
}

static void inf_reset(struct inflater *z)
{
	isal_inflate_reset(&z->st);
	z->st.crc_flag = ISAL_GZIP;
	z->head_ok = 0;
}

/* ISA-L ignores the reserved FLG bits, which zlib (and gzip(1)) reject, and
 * names a wrong CM only after the whole header: check both first, as zlib
 * does, so that the two builds agree. The member starts at *in. Returns 1 when
 * fine, 0 when fewer than 4 bytes are there yet (nothing taken), -1 on a bad
 * header (its 4 bytes taken, *why set). */
static int isal_check_head(struct inflater *z, unsigned char **in, size_t *n_in, const char **why)
{
	const unsigned char *h = *in;

	if (z->head_ok)
		return 1;
	if (*n_in < 4)
		return 0;
	if (h[2] != 8 || (h[3] & 0xe0)) {
		*why = h[2] != 8 ? "unknown compression method" : "unknown header flags set";
		*in += 4;
		*n_in -= 4;
		return -1;
	}
	z->head_ok = 1;
	return 1;
}

static const char *isal_why(int rc)
{
	switch (rc) {
	case ISAL_INVALID_BLOCK: return "invalid block";
	case ISAL_INVALID_SYMBOL: return "invalid code";
	case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
	case ISAL_INVALID_WRAPPER: return "incorrect header check";
	case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
	case ISAL_INCORRECT_CHECKSUM: return "incorrect data or length check";
	default: return "invalid data";
	}
}

static enum inf_status inf_run(struct inflater *z, unsigned char **in, size_t *n_in,
			       unsigned char *out, size_t room, size_t *made,
			       const char **why, size_t *held)
{
	size_t taken;
	int rc;

	*made = 0;
	*held = 0;
	switch (isal_check_head(z, in, n_in, why)) {
	case 0: return INF_OK;
	case -1: return INF_BAD;
	}
	if (room > UINT32_MAX)
		room = UINT32_MAX;
	z->st.next_in = *in;
	z->st.avail_in = (uint32_t)*n_in; /* at most CHUNK */
	z->st.next_out = out;
	z->st.avail_out = (uint32_t)room;
	rc = isal_inflate(&z->st);
	*made = room - z->st.avail_out;
	taken = (size_t)(z->st.next_in - *in);
	*in = z->st.next_in;
	*n_in = z->st.avail_in;
	/* ISAL_END_INPUT and the other positive codes only mean "more input" */
	if (rc >= 0)
		return z->st.block_state == ISAL_BLOCK_FINISH ? INF_END : INF_OK;
	*why = isal_why(rc);
	/* bits read ahead of the decoder, so the offset names the damage */
	*held = (size_t)(z->st.read_in_length / 8);
	if (rc == ISAL_INCORRECT_CHECKSUM && z->st.block_state != ISAL_BLOCK_FINISH) {
		*why = "header crc mismatch";
	} else if (rc == ISAL_INCORRECT_CHECKSUM && taken >= 8) {
		/* The trailer is the last 8 bytes taken. Say which half is wrong,
		 * at the offset zlib gives: after the CRC-32, or after ISIZE. */
		const unsigned char *t = z->st.next_in - 8;
		uint32_t crc = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
			       (uint32_t)t[3] << 24;

		*held = 0;
		if (crc != z->st.crc) {
			*why = "incorrect data check";
			*held = 4;
		} else {
			*why = "incorrect length check";
		}
	}
	return INF_BAD;
}

static void inf_free(struct inflater *z)
{
	free(z);
}
#endif
