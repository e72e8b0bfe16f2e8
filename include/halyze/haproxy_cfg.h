/* Reading what halyze needs from haproxy.cfg: the proxies, their log formats and binds. */
#ifndef HZ_HAPROXY_CFG_H
#define HZ_HAPROXY_CFG_H

#include <stddef.h>
#include "halyze/status.h"

enum hz_cfg_kind { HZ_CFG_DEFAULTS, HZ_CFG_FRONTEND, HZ_CFG_LISTEN, HZ_CFG_BACKEND };

enum hz_cfg_verify { HZ_VERIFY_UNSET = 0, HZ_VERIFY_NONE, HZ_VERIFY_OPTIONAL, HZ_VERIFY_REQUIRED };

struct hz_cfg_bind {
	int line;
	char *addr;
	char *name;              /* `name` keyword, NULL when none */
	int ssl;
	enum hz_cfg_verify verify;
	int no_tls_tickets;
	int crt_ignore_err, ca_ignore_err;
};

/* A line that uses a sample fetch the TLS lint cares about. */
struct hz_cfg_use {
	int line;
	char *text;              /* the directive, words joined by spaces */
};

struct hz_cfg_proxy {
	char *name;
	enum hz_cfg_kind kind;
	int line;                /* where the section starts */
	int mode_http;           /* effective mode, defaults included */
	/* The effective traffic log format: a predefined name ("httplog",
	 * "httplog-clf", "tcplog", "httpslog") or a custom string; NULL for
	 * both when the proxy sets none. */
	const char *predefined;
	char *log_format;
	int format_line;         /* the directive that set it (0: inherited) */
	char *error_log_format;  /* NULL when none */
	int error_format_line;
	char *log_tag;           /* effective: the proxy's, its defaults', global's; NULL: program name */
	int logs;                /* has a `log` target (own or inherited), no `no log` */
	struct hz_cfg_bind *binds;
	size_t nbinds;
	struct hz_cfg_use *uses; /* http-request/acl/... lines naming ssl_ fetches */
	size_t nuses;
};

struct hz_cfg {
	char *path;
	struct hz_cfg_proxy *proxies;   /* frontends, listens, backends, in file order */
	size_t n;
	char *log_tag;                  /* global log-tag, NULL when unset */
	long ssl_cachesize;             /* tune.ssl.cachesize; -1 when unset */
	int global_no_tls_tickets;      /* ssl-default-bind-options no-tls-tickets */
	char **warnings;                /* "LINE: text", for the CLI to show */
	size_t nwarnings;
};

/* Parses a configuration text. `name` is used in messages. Unknown
 * directives and sections are skipped; a malformed line (an unterminated
 * quote, a section without a name, a bad `from`) is HZ_ESYNTAX with
 * err->line and err->col. ${VAR} inside double quotes is expanded from the
 * environment, once (no recursion). */
int hz_cfg_parse(const char *text, size_t n, const char *name, struct hz_cfg **out, struct hz_err *err);

/* Reads and parses a file (HZ_EOPEN when it cannot be read). */
int hz_cfg_load(const char *path, struct hz_cfg **out, struct hz_err *err);

void hz_cfg_free(struct hz_cfg *c);

/* Splits one configuration line into words the way HAProxy 2.6 does:
 * quotes, backslash escapes, `#` comments, ${VAR} in double quotes.
 * Writes up to max words into words[] (pointers into buf, which receives
 * the unescaped text; cap bytes). Returns the number of words, or with
 * *errcol set (1-based): HZ_CFG_SPLIT_QUOTE on an unterminated quote or
 * ${VAR (or a variable name of 256 bytes or more), HZ_CFG_SPLIT_WORDS when
 * there are more than max words, HZ_CFG_SPLIT_ROOM when the unescaped and
 * expanded text does not fit in buf. */
#define HZ_CFG_SPLIT_QUOTE (-1)
#define HZ_CFG_SPLIT_WORDS (-2)
#define HZ_CFG_SPLIT_ROOM  (-3)
int hz_cfg_split(const char *line, size_t n, char *buf, size_t cap, char **words, int max, int *errcol);

#endif
