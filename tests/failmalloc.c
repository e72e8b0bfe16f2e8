/* An LD_PRELOAD shim that makes allocations fail on demand, to test how halyze meets out-of-memory (tests/cli/oom.sh). */
/*
 * HZ_FAILMALLOC=N     allocations 1..N-1 succeed; the Nth and every later
 *                     one fail (ENOMEM), as when memory has run out for good
 * HZ_FAILMALLOC=N:1   only the Nth fails: the ones after it succeed again
 * HZ_FAILMALLOC_MIN=B only allocations of at least B bytes count and fail
 * HZ_FAILMALLOC_LOG=F at exit, write the number of counted allocations to F
 * HZ_FAILMALLOC_TRAP=1 raise SIGTRAP at each failure (under gdb: its backtrace)
 *
 * malloc, calloc, realloc (to a non-zero size), posix_memalign,
 * aligned_alloc and memalign count, and anonymous mmap (halyze maps its
 * large tables itself, src/bigmem.c); free never fails. The real allocator is
 * glibc's (__libc_malloc & co., which glibc exports for exactly this), so
 * the shim needs no dlsym and no allocation of its own. It must not be
 * loaded into a sanitized binary: ASan owns malloc there.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <malloc.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t k, size_t n);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t align, size_t n);

static unsigned long fail_at;       /* 0: never */
static int fail_once;
static size_t min_size;
static unsigned long counted;
static const char *log_path;
static int ready, trap;

static unsigned long parse_ul(const char *s, const char **end)
{
	unsigned long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned long)(*s++ - '0');
	*end = s;
	return v;
}

static void write_log(void)
{
	char buf[32];
	int fd, k = (int)sizeof(buf);
	unsigned long v = counted;

	buf[--k] = '\n';
	do {
		buf[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		ssize_t w = write(fd, buf + k, sizeof(buf) - (size_t)k);
		(void)w;
		close(fd);
	}
}

/* getenv allocates nothing, so it is safe from inside malloc. */
static void setup(void)
{
	const char *s, *e;

	ready = 1;
	if ((s = getenv("HZ_FAILMALLOC")) != NULL) {
		fail_at = parse_ul(s, &e);
		fail_once = *e == ':' && e[1] == '1';
	}
	if ((s = getenv("HZ_FAILMALLOC_MIN")) != NULL)
		min_size = (size_t)parse_ul(s, &e);
	trap = getenv("HZ_FAILMALLOC_TRAP") != NULL;
	if ((log_path = getenv("HZ_FAILMALLOC_LOG")) != NULL)
		atexit(write_log);
}

/* 1 when this allocation of n bytes must fail. */
static int must_fail(size_t n)
{
	if (!ready)
		setup();
	if (n < min_size)
		return 0;
	counted++;
	if (!fail_at || counted < fail_at)
		return 0;
	if (fail_once && counted != fail_at)
		return 0;
	if (trap)
		raise(SIGTRAP);
	errno = ENOMEM;
	return 1;
}

void *malloc(size_t n)
{
	return must_fail(n) ? NULL : __libc_malloc(n);
}

void *calloc(size_t k, size_t n)
{
	return must_fail(k * n) ? NULL : __libc_calloc(k, n);
}

void *realloc(void *p, size_t n)
{
	if (n && must_fail(n))
		return NULL;
	return __libc_realloc(p, n);
}

void *aligned_alloc(size_t align, size_t n)
{
	return must_fail(n) ? NULL : __libc_memalign(align, n);
}

void *memalign(size_t align, size_t n)
{
	return must_fail(n) ? NULL : __libc_memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (must_fail(n))
		return ENOMEM;
	p = __libc_memalign(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

/* Only calls through the PLT come here: glibc's own mappings (malloc's big
 * blocks, thread stacks) do not. The real one is the system call. */
void *mmap(void *addr, size_t n, int prot, int flags, int fd, off_t off)
{
	if ((flags & MAP_ANONYMOUS) && must_fail(n))
		return MAP_FAILED;
	return (void *)syscall(SYS_mmap, addr, n, prot, flags, fd, off);
}
