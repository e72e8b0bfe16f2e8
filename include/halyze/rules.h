/* The rule catalogue: what each built-in rule finds, why it matters, what to change. */
#ifndef HZ_RULES_H
#define HZ_RULES_H

#include <stddef.h>

enum hz_severity { HZ_SEV_INFO = 0, HZ_SEV_WARNING, HZ_SEV_ERROR };

enum hz_rule_id {
	HZ_RULE_RESUMED_IDENTITY = 0,  /* resumed, no cert in this handshake, identity still known */
	HZ_RULE_RESUMED_ANONYMOUS,     /* resumed, no cert, no identity: benign */
	HZ_RULE_INFERRED_RESUMPTION,   /* has_crt=0 with DN fields filled, is_resumed not logged */
	HZ_RULE_FULL_NO_CERT,          /* full handshake without a client certificate */
	HZ_RULE_VERIFY_FAILURE,        /* ssl_c_verify / ssl_c_err / ssl_c_ca_err non-zero */
	HZ_RULE_HANDSHAKE_FAILURE,     /* connection-error lines */
	HZ_RULE_CERT_EXPIRING,         /* client certificate expires within N days of the line */
	HZ_RULE_BAD_REQUEST,           /* <BADREQ>, CR--, cR-- */
	HZ_RULE_MISSING_FIELDS,        /* ssl_fc_has_crt logged without what interprets it */
	HZ_RULE_BUILTIN_COUNT
};

struct hz_rule_def {
	enum hz_rule_id id;
	const char *name;        /* stable id used in JSON and on the command line */
	enum hz_severity severity;
	const char *title;       /* one line */
	const char *explain;     /* what it means, in plain words */
	const char *advice;      /* what to change */
	const char *group_by;    /* what the top groups are: "frontend client_ip", ... */
};

/* The definition of a built-in rule. */
const struct hz_rule_def *hz_rule_def(enum hz_rule_id id);
const char *hz_severity_name(enum hz_severity s);

/* The name of an OpenSSL X509_V_ERR code ("certificate has expired" for
 * 10), or NULL when unknown. */
const char *hz_x509_error_name(long code);

#endif
