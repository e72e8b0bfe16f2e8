/* Line-level diagnosis (private to the core): TLS verdicts, rule hits, session tracing. */
#ifndef HZ_DIAGNOSE_H
#define HZ_DIAGNOSE_H

#include <stdint.h>
#include "halyze/logformat.h"
#include "halyze/router.h"
#include "halyze/summary.h"

#define HZ_DIAG_MAX_IDENT 16

/* Where the fields the diagnosis reads sit in one format; -1 when absent. */
struct hz_diag_binding {
	int has_crt, resumed, used, verify, c_err, ca_err, sid, sni, sslv;
	int date, client, frontend, term, request, status;
	int subject, serial, notafter;     /* the best identity fields for groups and keys */
	int issuer;                        /* ssl_c_i_dn, for the certificates table */
	int ident[HZ_DIAG_MAX_IDENT];      /* every ssl_c_* field that names a certificate */
	int nident;
	int verdict;                       /* logs ssl_fc_has_crt or ssl_fc_is_resumed */
	int verr[3], verr_k[3], nverr;     /* of verify, c_err, ca_err, those logged: field, 0-2 */
};

void hz_diag_bind(const struct hz_format *f, struct hz_diag_binding *b);

/* The per-scan state: the session tracer. One per thread. */
struct hz_diag;
struct hz_diag *hz_diag_new(const struct hz_diag_opts *o);
void hz_diag_free(struct hz_diag *d);

/* Evaluates one matched traffic line: the series, the bad-request rule, and
 * for formats that log TLS verdicts the tls counts, rules and tracing.
 * `proxy` names the frontend when the format does not. Returns 0 or HZ_ENOMEM. */
int hz_diag_record(struct hz_diag *d, struct hz_summary *s, const struct hz_diag_binding *b,
		   const struct hz_match *m, const char *proxy, const char *path, uint64_t line);

/* Moves the series counted since the last flush into the summary they were
 * counted for; call once the scan is over, before reading s->series.
 * Returns 0 or HZ_ENOMEM. */
int hz_diag_flush(struct hz_diag *d);

/* Part mode, for a scan split among threads (each part on its own diag, in
 * input order): resumptions this part cannot trace and an earlier part
 * could are kept for hz_diag_join instead of being counted. */
void hz_diag_set_split(struct hz_diag *d, int on);

/* Joins the next part, in input order: `carry` (not in part mode) holds
 * the handshakes of the parts before; the part's kept resumptions are traced
 * against it and counted into s (the part's summary), then carry takes the
 * part's handshakes (unless `last`: no part follows). The result is what
 * one scan in order would count, when dates do not go back in time from one
 * part to the next by more than the ticket lifetime. Returns 0 or
 * HZ_ENOMEM. */
int hz_diag_join(struct hz_diag *carry, struct hz_diag *part, struct hz_summary *s, int last);

const struct hz_diag_opts *hz_diag_options(const struct hz_diag *d);

/* YYMMDDhhmmssZ (ssl_c_notafter) as epoch milliseconds; -1 when malformed. */
int hz_diag_cert_date(struct hz_str v, int64_t *ms);

#endif
