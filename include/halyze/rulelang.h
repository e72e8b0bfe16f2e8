/* User rules: a small language of conditions on log fields, compiled once and evaluated on every line. */
#ifndef HZ_RULELANG_H
#define HZ_RULELANG_H

#include <stddef.h>
#include <stdint.h>
#include "halyze/logformat.h"
#include "halyze/rules.h"
#include "halyze/status.h"

/*
 * THE RULE LANGUAGE
 *
 * A rules file holds zero or more rules. `#` starts a comment that runs to
 * the end of the line, except inside a string or a regex. Blanks (space,
 * tab, carriage return, newline) separate tokens and are otherwise ignored.
 * A NUL byte anywhere is an error.
 *
 *   rule NAME SEVERITY when EXPR [group by FIELD {, FIELD}] [explain "TEXT"] [advice "TEXT"]
 *
 *   rule cert-missing warning
 *       when ssl_fc_has_crt == 0 && ssl_fc_is_resumed == 0 && frontend == "example-ssl"
 *       group by client_ip
 *       explain "Clients that sent no certificate"
 *
 * A rule may span several lines. It ends where a line whose first word is
 * `rule` begins (leading blanks allowed), or at the end of the file; two
 * rules on one line are an error. NAME is [A-Za-z0-9_.-]+ and unique in
 * the file. SEVERITY is `info`, `warning` or `error`. The `group by`,
 * `explain` and `advice` clauses may come in any order, each at most once.
 *
 * Grammar (EBNF; letter and digit are ASCII; a keyword must not run into
 * an identifier character, e.g. `whenx` is not `when`):
 *
 *   file      = { rule } ;
 *   rule      = "rule" name severity "when" expr { clause } ;
 *   name      = ( letter | digit | "_" | "." | "-" ) { letter | digit | "_" | "." | "-" } ;
 *   severity  = "info" | "warning" | "error" ;
 *   clause    = "group" "by" field { "," field }
 *             | "explain" string | "advice" string ;
 *   expr      = and { "||" and } ;
 *   and       = unary { "&&" unary } ;
 *   unary     = "!" unary | "(" expr ")" | test ;
 *   test      = field ( cmpop literal
 *                     | ( "=~" | "!~" ) regex
 *                     | "in" "{" literal { "," literal } "}"
 *                     | "exists" ) ;
 *   cmpop     = "==" | "!=" | "<" | "<=" | ">" | ">=" ;
 *   literal   = number | string ;
 *   number    = [ "-" ] digit { digit } [ "ms" | "s" | "m" | "h" | "d" ] ;
 *   string    = '"' { char | '\"' | '\\' } '"' ;
 *   regex     = "/" { char | "\/" } "/" { "i" | "s" | "m" | "x" } ;
 *   field     = ident [ args ] { "," ident [ args ] }    (no blanks inside)
 *             | "[" { char except "]" } "]" ;
 *   ident     = ( letter | "_" ) { letter | digit | "_" | "." } ;
 *   args      = "(" balanced text without newline ")" ;
 *   char      = any byte but a newline (nor the closing delimiter) ;
 *
 * `!` binds tighter than `&&`, which binds tighter than `||`; `&&` and `||`
 * short-circuit. Nesting of `(` and `!` is limited to 64 levels.
 *
 * Fields are named as halyze names them everywhere: long names (status,
 * client_ip, time_total, frontend...), aliases (ST, Tt), or a sample
 * expression exactly as written in the log-format (ssl_fc_has_crt,
 * ssl_c_i_dn(cn), ssl_c_serial,hex). The bracketed form [expr] names the
 * sample expression expr as written, for expressions the plain form cannot
 * spell (blanks, quotes, unbalanced parentheses). In a field a comma
 * belongs to the field only when an identifier follows it directly:
 * `ssl_c_serial,hex` is one field, while `group by client_ip, frontend`
 * names two. Names are resolved against each log format separately (see
 * hz_rules_bind); note that option httplog logs %Ta (time_active) where
 * the pre-1.7 format logged %Tt (time_total).
 *
 * Literals. A number is a decimal integer, maybe negative, within the
 * range of a signed 64-bit integer (after its unit is applied); a unit suffix
 * makes it a duration in milliseconds (HAProxy's timers are in ms):
 * 500ms = 500, 2s = 2000, 3m = 180000, 1h = 3600000, 1d = 86400000.
 * A string is in double quotes, on one line, with `\"` and `\\` as its only
 * escapes (any other backslash sequence is an error).
 *
 * Regexes are PCRE2 patterns between slashes, on one line; `\/` stands for
 * a slash, every other backslash sequence goes to PCRE2 unchanged. Flags:
 * i (caseless), s (dot matches newline), m (multiline), x (extended). The
 * subject is the field's bytes (no UTF-8 mode). A pattern is not anchored:
 * use ^ and $. Patterns are JIT-compiled when PCRE2 can. A match that
 * PCRE2 cannot complete -- match limit 100000, depth limit 1000, JIT stack
 * 32 KiB growing to 512 KiB, or any other matching error -- counts as no
 * match and is counted per rule (hz_rules_limit_errors), so a catastrophic
 * pattern costs a bounded time per line instead of hanging the run.
 *
 * Semantics. A field logged empty (`-`, `""`, an absent capture) makes
 * every test on it false, `!=`, `!~` and `exists` included: `x exists` is
 * true when x was logged with a value, and `!(x exists)` tests absence.
 * Otherwise:
 *   - against a number, the field is read as a number: integer and timer
 *     fields as halyze types them (hex under +X where HAProxy prints hex),
 *     ports as ports, anything else as a decimal integer with an optional
 *     sign ('+' allowed). A value that is not a number makes the test false;
 *   - against a string, the field's bytes as logged (without the quotes of
 *     +Q) are compared; `<`, `<=`, `>`, `>=` compare bytewise, a prefix
 *     being smaller;
 *   - `in {...}` holds when one element equals the field, each element
 *     compared as above by its own kind (numbers and strings may be mixed);
 *   - `=~` holds when the pattern matches; `!~` when it does not (a match
 *     cut short by a limit counts as not matching).
 *
 * A rule whose fields are not all in a log format is disabled for the
 * lines of that format (see hz_rules_bind). The group of a hit is the
 * values of the `group by` fields joined by single spaces, `-` standing
 * for an empty value.
 *
 * Errors carry the line and the column (1-based, counted in bytes) of the
 * offending token: unknown severity, missing `when`, unbalanced
 * parentheses, a bad regex (PCRE2's message, at the column PCRE2 points
 * to), a duplicate name, unexpected text after a rule, an unterminated
 * string or regex, nesting too deep.
 */

/* Parsed rules, independent of any log format. */
struct hz_ruleset;

/* Parses a rules text (text, n; need not be NUL-terminated). name is used
 * for err->file. On success *out is a new ruleset (0 rules for a text
 * without any) to free with hz_rules_free. On failure returns HZ_ESYNTAX
 * (err->line, err->col, err->msg describe the first error), HZ_ELIMIT
 * for a text over 16 MiB, or HZ_ENOMEM, and *out is NULL. */
int hz_rules_parse(const char *text, size_t n, const char *name, struct hz_ruleset **out, struct hz_err *err);

/* Reads and parses a rules file. HZ_EOPEN when it cannot be opened,
 * HZ_EISDIR for a directory, HZ_EREAD when reading fails, HZ_ELIMIT above
 * 16 MiB; otherwise as hz_rules_parse. */
int hz_rules_load(const char *path, struct hz_ruleset **out, struct hz_err *err);

/* Frees a ruleset; NULL is accepted. Every binding made from it must have
 * been freed before. */
void hz_rules_free(struct hz_ruleset *rs);

size_t hz_rules_count(const struct hz_ruleset *rs);

/* What a rule says about itself. Strings belong to the ruleset. */
struct hz_rule_info {
	const char *name;
	enum hz_severity severity;
	const char *explain;     /* NULL when absent */
	const char *advice;      /* NULL when absent */
	const char *group_by;    /* the fields as written, joined by spaces; "" when none */
	int line;                /* line of the `rule` keyword */
};

/* Fills *out for rule i (0 <= i < hz_rules_count). */
void hz_rules_info(const struct hz_ruleset *rs, size_t i, struct hz_rule_info *out);

/* A ruleset bound to one compiled format: field names resolved to field
 * indexes. A rule that names a field the format lacks is disabled for this
 * binding; when missing is not NULL, *missing receives one message per such
 * (rule, field), e.g. "rule cert-missing: field ssl_fc_is_resumed is not in
 * this format", and *nmissing their number (free them with
 * hz_rules_free_messages). The binding keeps pointers to rs and f, which
 * must outlive it. Returns 0 or HZ_ENOMEM. */
struct hz_rules_binding;
int hz_rules_bind(const struct hz_ruleset *rs, const struct hz_format *f, struct hz_rules_binding **out,
		  char ***missing, size_t *nmissing);
void hz_rules_binding_free(struct hz_rules_binding *b);
void hz_rules_free_messages(char **msgs, size_t n);

/* 1 when rule i is enabled in this binding (all its fields are in the
 * format), else 0. */
int hz_rules_enabled(const struct hz_rules_binding *b, size_t rule);

/* Evaluates every enabled rule, in file order, on one line matched against
 * the binding's format. For each rule that holds, calls
 * hit(ud, rule_index, group, group_n): group is the group-by values joined
 * by single spaces (NUL-terminated, "" without group by), in a scratch
 * buffer of the binding valid during the call only. A non-zero return from
 * hit stops the evaluation and is returned. Returns 0, or HZ_ENOMEM when
 * the scratch buffer could not grow (it grows only for a group longer than
 * any before). Bindings of one ruleset share its regex match data and
 * counters: do not evaluate them concurrently. */
int hz_rules_eval(struct hz_rules_binding *b, const struct hz_match *m,
		  int (*hit)(void *ud, size_t rule, const char *group, size_t group_n), void *ud);

/* Matches of rule `rule` that hit a PCRE2 limit since the ruleset was
 * loaded (counted across all its bindings). */
uint64_t hz_rules_limit_errors(const struct hz_ruleset *rs, size_t rule);

#endif
