/* The built-in rules: their catalogue, and OpenSSL's verify error names. */
#include "halyze/rules.h"

static const struct hz_rule_def defs[HZ_RULE_BUILTIN_COUNT] = {
	{ HZ_RULE_RESUMED_IDENTITY, "tls-resumed-identity-no-cert", HZ_SEV_WARNING,
	  "Resumed TLS sessions report no client certificate although the client is known",
	  "On TLS session resumption (tickets or the session cache) the client sends no "
	  "certificate, so ssl_fc_has_crt is 0, while ssl_c_used, ssl_c_verify and the "
	  "certificate's DN, serial and dates still come from the original, verified "
	  "handshake. An application that tests \"has a certificate\" (a header built from "
	  "ssl_fc_has_crt) rejects these clients: a trickle of errors that grows with load, "
	  "since busy clients resume more often.",
	  "Test ssl_c_used (or a DN field) instead of ssl_fc_has_crt, e.g. "
	  "`http-request set-header X-SSL-Client-Used %[ssl_c_used]`; or disable resumption "
	  "with `no-tls-tickets` on the bind and `tune.ssl.cachesize 0` in global (costs a "
	  "full handshake per connection).",
	  "frontend client_ip" },
	{ HZ_RULE_RESUMED_ANONYMOUS, "tls-resumed-anonymous", HZ_SEV_INFO,
	  "Resumed TLS sessions of clients that never presented a certificate",
	  "These sessions were resumed and carry no client identity at all: the original "
	  "handshake had no certificate either. This is normal for anonymous clients on an "
	  "optional-verify frontend.",
	  "Nothing to change, unless these clients are expected to authenticate.",
	  "frontend client_ip" },
	{ HZ_RULE_INFERRED_RESUMPTION, "tls-inferred-resumption", HZ_SEV_WARNING,
	  "ssl_fc_has_crt is 0 while the certificate's DN or serial is filled: resumed sessions",
	  "The log format does not log ssl_fc_is_resumed, but a line with ssl_fc_has_crt=0 "
	  "and a filled issuer, subject or serial can only come from a resumed session: "
	  "the certificate was verified on the original handshake and is not sent again.",
	  "Add `%[ssl_fc_is_resumed]` and `%[ssl_c_used]` to the log-format to confirm it; "
	  "then see tls-resumed-identity-no-cert.",
	  "frontend client_ip" },
	{ HZ_RULE_FULL_NO_CERT, "tls-full-handshake-no-cert", HZ_SEV_INFO,
	  "Full TLS handshakes without a client certificate",
	  "These clients really sent no certificate (a full handshake, not a resumption). "
	  "On a `verify optional` frontend that is allowed; the application decides.",
	  "If every client must authenticate, use `verify required` on the bind.",
	  "frontend client_ip" },
	{ HZ_RULE_VERIFY_FAILURE, "tls-verify-failure", HZ_SEV_WARNING,
	  "Client certificates that failed verification",
	  "ssl_c_verify, ssl_c_err or ssl_c_ca_err is not 0: the certificate or its chain "
	  "did not verify, and the connection went through only because the error is "
	  "ignored (`crt-ignore-err`, `ca-ignore-err`, or `verify optional` with the result "
	  "left to the application).",
	  "Renew or replace the certificates named in the groups; check the CA file given "
	  "with `ca-file`; stop ignoring the error once the clients are fixed.",
	  "frontend error subject" },
	{ HZ_RULE_HANDSHAKE_FAILURE, "tls-handshake-failure", HZ_SEV_WARNING,
	  "Connections that failed during the TLS handshake",
	  "HAProxy logged a connection error before any request: the handshake failed or "
	  "timed out (untrusted or expired certificate under `verify required`, protocol or "
	  "cipher mismatch, clients that gave up).",
	  "Look at the messages and frontends in the groups; log `%[ssl_fc_err,hex]` and "
	  "`%[ssl_c_err]` with an error-log-format to see the OpenSSL reason.",
	  "message frontend" },
	{ HZ_RULE_CERT_EXPIRING, "tls-client-cert-expiring", HZ_SEV_WARNING,
	  "Client certificates that expire soon after the log's date",
	  "ssl_c_notafter is within the warning window (default 30 days) of the line's "
	  "date, or already past it.",
	  "Renew these client certificates before they expire.",
	  "subject notafter" },
	{ HZ_RULE_BAD_REQUEST, "http-bad-request", HZ_SEV_INFO,
	  "Bad or empty HTTP requests",
	  "<BADREQ> lines, and the termination states CR (the client closed before sending "
	  "a full request) and cR (timeout http-request). Often port scanners, health "
	  "checks that only connect, or clients speaking TLS to a plain port.",
	  "If they come from your own health checks, use `option dontlognull`; otherwise "
	  "check the clients in the groups.",
	  "frontend client_ip" },
	{ HZ_RULE_MISSING_FIELDS, "log-format-missing-tls-fields", HZ_SEV_WARNING,
	  "The log format logs ssl_fc_has_crt without what is needed to interpret it",
	  "ssl_fc_has_crt=0 means either \"no certificate\" or \"resumed session\"; without "
	  "ssl_fc_is_resumed or ssl_c_used in the same line the two cannot be told apart.",
	  "Add `%[ssl_fc_is_resumed]` and `%[ssl_c_used]` next to `%[ssl_fc_has_crt]` in the "
	  "log-format.",
	  "frontend" },
};

const struct hz_rule_def *hz_rule_def(enum hz_rule_id id)
{
	return (unsigned)id < HZ_RULE_BUILTIN_COUNT ? &defs[id] : NULL;
}

const char *hz_severity_name(enum hz_severity s)
{
	switch (s) {
	case HZ_SEV_INFO: return "info";
	case HZ_SEV_WARNING: return "warning";
	case HZ_SEV_ERROR: return "error";
	}
	return "?";
}

/* OpenSSL 3.0's X509_V_ERR_* values (include/openssl/x509_vfy.h), described. */
const char *hz_x509_error_name(long code)
{
	switch (code) {
	case 0: return "ok";
	case 1: return "unspecified certificate verification error";
	case 2: return "unable to get issuer certificate";
	case 3: return "unable to get certificate CRL";
	case 4: return "unable to decrypt certificate's signature";
	case 5: return "unable to decrypt CRL's signature";
	case 6: return "unable to decode issuer public key";
	case 7: return "certificate signature failure";
	case 8: return "CRL signature failure";
	case 9: return "certificate is not yet valid";
	case 10: return "certificate has expired";
	case 11: return "CRL is not yet valid";
	case 12: return "CRL has expired";
	case 13: return "format error in certificate's notBefore field";
	case 14: return "format error in certificate's notAfter field";
	case 15: return "format error in CRL's lastUpdate field";
	case 16: return "format error in CRL's nextUpdate field";
	case 17: return "out of memory";
	case 18: return "self-signed certificate";
	case 19: return "self-signed certificate in certificate chain";
	case 20: return "unable to get local issuer certificate";
	case 21: return "unable to verify the first certificate";
	case 22: return "certificate chain too long";
	case 23: return "certificate revoked";
	case 24: return "unable to decode issuer public key (no issuer public key)";
	case 25: return "path length constraint exceeded";
	case 26: return "unsuitable certificate purpose";
	case 27: return "certificate not trusted";
	case 28: return "certificate rejected";
	case 29: return "subject issuer mismatch";
	case 30: return "authority and subject key identifier mismatch";
	case 31: return "authority and issuer serial number mismatch";
	case 32: return "key usage does not include certificate signing";
	case 33: return "unable to get CRL issuer certificate";
	case 34: return "unhandled critical extension";
	case 35: return "key usage does not include CRL signing";
	case 36: return "unhandled critical CRL extension";
	case 37: return "invalid non-CA certificate (has CA markings)";
	case 38: return "proxy path length constraint exceeded";
	case 39: return "key usage does not include digital signature";
	case 40: return "proxy certificates not allowed";
	case 41: return "invalid or inconsistent certificate extension";
	case 42: return "invalid or inconsistent certificate policy extension";
	case 43: return "no explicit policy";
	case 44: return "different CRL scope";
	case 45: return "unsupported extension feature";
	case 46: return "RFC 3779 resource not subset of parent's resources";
	case 47: return "permitted subtree violation";
	case 48: return "excluded subtree violation";
	case 49: return "name constraints minimum and maximum not supported";
	case 50: return "application verification failure";
	case 51: return "unsupported name constraint type";
	case 52: return "unsupported or invalid name constraint syntax";
	case 53: return "unsupported or invalid name syntax";
	case 54: return "CRL path validation error";
	case 55: return "path loop";
	case 56: return "Suite B: certificate version invalid";
	case 57: return "Suite B: invalid public key algorithm";
	case 58: return "Suite B: invalid ECC curve";
	case 59: return "Suite B: invalid signature algorithm";
	case 60: return "Suite B: curve not allowed for this LOS";
	case 61: return "Suite B: cannot sign P-384 with P-256";
	case 62: return "hostname mismatch";
	case 63: return "email address mismatch";
	case 64: return "IP address mismatch";
	case 65: return "no matching DANE TLSA records";
	case 66: return "EE certificate key too weak";
	case 67: return "CA certificate key too weak";
	case 68: return "CA signature digest algorithm too weak";
	case 69: return "invalid certificate verification context";
	case 70: return "issuer certificate lookup error";
	case 71: return "certificate transparency required, but no valid SCTs found";
	case 72: return "proxy subject name violation";
	case 73: return "OCSP verification needed";
	case 74: return "OCSP verification failed";
	case 75: return "OCSP unknown cert";
	case 76: return "unsupported signature algorithm";
	case 77: return "subject signature algorithm and issuer public key algorithm mismatch";
	case 78: return "cert info signature and signature algorithm mismatch";
	case 79: return "invalid CA certificate";
	case 80: return "pathlen constraint invalid for non-CA certificate";
	case 81: return "pathlen constraint without key usage keyCertSign";
	case 82: return "key usage keyCertSign invalid for non-CA certificate";
	case 83: return "issuer name empty";
	case 84: return "subject name empty";
	case 85: return "missing Authority Key Identifier";
	case 86: return "missing Subject Key Identifier";
	case 87: return "empty Subject Alternative Name extension";
	case 88: return "subject empty and Subject Alternative Name extension not critical";
	case 89: return "Basic Constraints of CA certificate not marked critical";
	case 90: return "Authority Key Identifier marked critical";
	case 91: return "Subject Key Identifier marked critical";
	case 92: return "CA certificate missing key usage extension";
	case 93: return "extensions require version 3";
	case 94: return "certificate uses explicit EC parameters";
	}
	return NULL;
}
