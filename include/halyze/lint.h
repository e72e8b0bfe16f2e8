/* Config lint: misuses of TLS fetches and log formats in haproxy.cfg. */
#ifndef HZ_LINT_H
#define HZ_LINT_H

#include <stddef.h>
#include "halyze/haproxy_cfg.h"
#include "halyze/rules.h"

struct hz_lint_finding {
	const char *id;          /* static: "has-crt-with-resumption", ... */
	enum hz_severity severity;
	char *file;              /* the configuration's path */
	int line;
	char *proxy;             /* NULL for global findings */
	char *message;
	char *fix;
};

/* Checks c. Fills *out (malloc'd; free with hz_lint_free) with *n findings
 * in line order. Returns 0 or HZ_ENOMEM. */
int hz_lint(const struct hz_cfg *c, struct hz_lint_finding **out, size_t *n);
void hz_lint_free(struct hz_lint_finding *f, size_t n);

/* The static id string equal to name, or NULL when no check has that id. */
const char *hz_lint_id(const char *name);

#endif
