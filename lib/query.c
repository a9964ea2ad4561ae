/*
 * query.c: the query string of GET /api/users (query.h).
 *
 * Decoding follows the WHATWG URL standard's
 * application/x-www-form-urlencoded parser (§5.1): split on "&", skip
 * empty pieces, split each at its first "=", "+" to space, percent-decode
 * (a "%" without two hex digits stays), then UTF-8 decode with U+FFFD for
 * each maximal invalid subpart (WHATWG Encoding §4.1 / Unicode §3.9).
 * What is read from it follows Logto's koa-pagination.ts,
 * routes/admin-user/search.ts and utils/search.ts (users-api.md §1).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "query.h"
#include "re.h"
#include "utf8.h"

/* One decoded pair; name and value are NUL-terminated, lengths explicit. */
struct query_pair {
	char	*name, *value;
	size_t	 nlen, vlen;
};

/*
 * A Map key of utils/search.ts while parsing: absent (the bare search)
 * or the text after the dot ("" included), with the mode set for it
 * (modes) or its values (groups: the pairs whose group is this one).
 */
struct query_key {
	int		 has_field;
	const char	*field;
	size_t		 flen;
	enum store_qmode mode;
	size_t		 nvalues;
};

/* Appends the UTF-8 of U+FFFD. */
static enum usercgi_err
query_fffd(struct buf *b)
{
	return buf_add(b, "\xef\xbf\xbd", 3);
}

/*
 * Length of the maximal subpart of an ill-formed sequence at s (at
 * least 1): the lead byte and the continuation bytes that could still
 * have completed it (Unicode §3.9 Table 3-7).
 */
static size_t
query_bad_len(const unsigned char *s, size_t len)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		need, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3;
	else
		return 1;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	for (i = 1; i <= need && i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			break;
		lo = 0x80;
		hi = 0xbf;
	}
	return i;
}

/*
 * Decodes len bytes of one name or value into a new NUL-terminated
 * string (*out, caller frees) of *outlen bytes.  Returns USERCGI_OK,
 * USERCGI_TOO_LARGE (over QUERY_MAX_VALUE) or USERCGI_NOMEM.
 */
static enum usercgi_err
query_decode(const char *s, size_t len, char **out, size_t *outlen)
{
	struct buf		 raw, b;
	const unsigned char	*u;
	enum usercgi_err	 err = USERCGI_OK;
	uint32_t		 cp;
	size_t			 i, n;
	int			 h1, h2;
	char			 c;

	*out = NULL;
	buf_init(&raw, QUERY_MAX_VALUE);
	buf_init(&b, QUERY_MAX_VALUE);
	for (i = 0; i < len && err == USERCGI_OK; i++) {
		c = s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%' && i + 2 < len &&
		    (h1 = hex_value((unsigned char)s[i + 1])) >= 0 &&
		    (h2 = hex_value((unsigned char)s[i + 2])) >= 0) {
			c = (char)(h1 * 16 + h2);
			i += 2;
		}
		err = buf_addc(&raw, c);
	}
	u = (const unsigned char *)buf_str(&raw);
	for (i = 0; i < raw.len && err == USERCGI_OK; i += n) {
		if ((n = utf8_decode((const char *)u + i, raw.len - i, &cp)) !=
		    0)
			err = buf_add(&b, u + i, n);
		else {
			n = query_bad_len(u + i, raw.len - i);
			err = query_fffd(&b);
		}
	}
	if (err == USERCGI_OK) {
		*outlen = b.len;
		if ((*out = buf_take(&b)) == NULL)
			err = USERCGI_NOMEM;
	}
	buf_free(&raw);
	buf_free(&b);
	return err;
}

/* Returns 1 when the pair's name is exactly name. */
static int
query_is(const struct query_pair *p, const char *name)
{
	return p->nlen == strlen(name) && memcmp(p->name, name, p->nlen) == 0;
}

static int
query_starts(const struct query_pair *p, const char *prefix)
{
	size_t	n = strlen(prefix);

	return p->nlen >= n && memcmp(p->name, prefix, n) == 0;
}

/* URLSearchParams.get: the first pair named name, or NULL. */
static const struct query_pair *
query_get(const struct query_pair *ps, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (query_is(&ps[i], name))
			return &ps[i];
	return NULL;
}

/* @silverhand/essentials yes(): one of 1 true y yes yep yeah, any case. */
static int
query_yes(const struct query_pair *p)
{
	static const char *const words[] = { "1", "true", "y", "yes", "yep",
	    "yeah" };
	char	 l[8];
	size_t	 i;

	if (p == NULL || p->vlen >= sizeof(l))
		return 0;
	for (i = 0; i < p->vlen; i++)
		l[i] = p->value[i] >= 'A' && p->value[i] <= 'Z' ?
		    (char)(p->value[i] + 32) : p->value[i];
	l[p->vlen] = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(l, words[i]) == 0)
			return 1;
	return 0;
}

/*
 * Reads a page or page_size value as Number() would and accepts only a
 * whole number in 1..max: ASCII white space around, an optional "+",
 * digits, optionally "." and zeros.  Returns 1 with *v set, else 0.
 */
static int
query_number(const char *s, size_t len, int64_t max, int64_t *v)
{
	size_t	i = 0, end = len;
	int64_t	x = 0;
	int	digits = 0;

	while (i < end && strchr(" \t\n\v\f\r", s[i]) != NULL && s[i] != '\0')
		i++;
	while (end > i && strchr(" \t\n\v\f\r", s[end - 1]) != NULL &&
	    s[end - 1] != '\0')
		end--;
	if (i < end && s[i] == '+')
		i++;
	for (; i < end && s[i] >= '0' && s[i] <= '9'; i++) {
		digits = 1;
		x = x * 10 + (s[i] - '0');
		if (x > max)
			return 0;
	}
	if (i < end && s[i] == '.')
		for (i++; i < end && s[i] == '0'; i++)
			continue;
	if (!digits || i != end || x < 1)
		return 0;
	*v = x;
	return 1;
}

/*
 * koa-pagination.ts: page and page_size, each at most once (koa's query
 * makes a repeated key an array, which Number() reads as NaN); empty is
 * the default.  Returns USERCGI_OK or USERCGI_BAD_PAGINATION.
 */
static enum usercgi_err
query_pagination(const struct query_pair *ps, size_t n, struct store_query *q)
{
	const struct query_pair	*page = NULL, *size = NULL;
	int64_t			 v;
	size_t			 i;

	q->page = 1;
	q->page_size = 20;
	for (i = 0; i < n; i++) {
		if (query_is(&ps[i], "page")) {
			if (page != NULL)
				return USERCGI_BAD_PAGINATION;
			page = &ps[i];
		} else if (query_is(&ps[i], "page_size")) {
			if (size != NULL)
				return USERCGI_BAD_PAGINATION;
			size = &ps[i];
		}
	}
	if (page != NULL && page->vlen > 0) {
		if (!query_number(page->value, page->vlen, QUERY_PAGE_MAX, &v))
			return USERCGI_BAD_PAGINATION;
		q->page = v;
	}
	if (size != NULL && size->vlen > 0) {
		if (!query_number(size->value, size->vlen, STORE_PAGE_SIZE_MAX,
		    &v))
			return USERCGI_BAD_PAGINATION;
		q->page_size = (int)v;
	}
	return USERCGI_OK;
}

#define Q_LOW(c)	(((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9'))
#define Q_UP(c)		((c) >= 'A' && (c) <= 'Z')

/*
 * snake-case (no-case): a break between a lower-case letter or digit and
 * an upper-case letter, and before the last of two upper-case letters
 * followed by a lower-case one (each a global, non-overlapping replace,
 * in that order); runs of anything but ASCII letters and digits are
 * separators; the words lowercased and joined by "_".  Writes the result
 * to out (at least 2 * len bytes: a "_" can precede every letter but the
 * first, "aBaB" becoming "a_ba_b"); the breaks are marked in brk.
 */
static void
query_snake(const char *s, size_t len, char *out, unsigned char *brk)
{
	size_t	i, n = 0;
	int	sep = 0;

	memset(brk, 0, len + 1);
	for (i = 0; i + 1 < len; i++)
		if (Q_LOW(s[i]) && Q_UP(s[i + 1]))
			brk[++i] = 1;
	for (i = 0; i + 2 < len; i++)
		if (Q_UP(s[i]) && Q_UP(s[i + 1]) && s[i + 2] >= 'a' &&
		    s[i + 2] <= 'z') {
			brk[i + 1] = 1;
			i += 2;
		}
	for (i = 0; i < len; i++) {
		if (!Q_LOW(s[i]) && !Q_UP(s[i])) {
			sep = 1;
			continue;
		}
		if ((sep || brk[i]) && n > 0)
			out[n++] = '_';
		sep = 0;
		out[n++] = Q_UP(s[i]) ? (char)(s[i] + 32) : s[i];
	}
	out[n] = '\0';
}

/* Maps a snake_cased field name to the store's field, or -1. */
static int
query_field(const char *f)
{
	static const struct {
		const char		*name;
		enum store_qfield	 field;
	} fields[] = {
		{ "id", STORE_QF_ID }, { "primary_email", STORE_QF_EMAIL },
		{ "primary_phone", STORE_QF_PHONE },
		{ "username", STORE_QF_USERNAME }, { "name", STORE_QF_NAME },
	};
	size_t	i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(f, fields[i].name) == 0)
			return (int)fields[i].field;
	return -1;
}

static int
query_mode_of(const struct query_pair *p, enum store_qmode *m)
{
	static const struct {
		const char		*name;
		enum store_qmode	 mode;
	} modes[] = {
		{ "exact", STORE_QM_EXACT }, { "like", STORE_QM_LIKE },
		{ "similar_to", STORE_QM_SIMILAR_TO },
		{ "posix", STORE_QM_POSIX },
	};
	size_t	i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (p->vlen == strlen(modes[i].name) &&
		    memcmp(p->value, modes[i].name, p->vlen) == 0) {
			*m = modes[i].mode;
			return 1;
		}
	return 0;
}

/* Appends the text of a 400 request.invalid_input; returns USERCGI_BAD_SEARCH (or the append's error). */
static enum usercgi_err
query_fail(struct buf *text, const char *fmt, const char *a, size_t alen,
    const char *b, size_t blen)
{
	struct buf		 x;
	enum usercgi_err	 err = USERCGI_OK;
	const char		*p;

	buf_init(&x, text->max);
	for (p = fmt; *p != '\0' && err == USERCGI_OK; p++) {
		if (p[0] == '%' && p[1] == 'a') {
			err = buf_add(&x, a, alen);
			p++;
		} else if (p[0] == '%' && p[1] == 'b') {
			err = buf_add(&x, b, blen);
			p++;
		} else
			err = buf_addc(&x, *p);
	}
	if (err == USERCGI_OK)
		err = buf_add(text, x.ptr != NULL ? x.ptr : "", x.len);
	buf_free(&x);
	return err == USERCGI_NOMEM ? USERCGI_NOMEM : USERCGI_BAD_SEARCH;
}

/*
 * getSearchField: the part of a key after "search"/"mode" and a dot.
 * Sets *has (0: no dot) and *f, *flen.  Returns USERCGI_OK or the nested
 * path error.
 */
static enum usercgi_err
query_key_field(const struct query_pair *p, int *has, const char **f,
    size_t *flen, struct buf *text)
{
	const char	*dot;

	*has = 0;
	*f = NULL;
	*flen = 0;
	if ((dot = memchr(p->name, '.', p->nlen)) == NULL)
		return USERCGI_OK;
	*has = 1;
	*f = dot + 1;
	*flen = p->nlen - (size_t)(*f - p->name);
	if (memchr(*f, '.', *flen) != NULL)
		return query_fail(text, "Unsupported nested search field path "
		    "`%a` detected. Only the first level field is supported.",
		    *f, *flen, NULL, 0);
	return USERCGI_OK;
}

/* Returns 1 when two Map keys are the same (both absent, or equal strings). */
static int
query_same_key(int has_a, const char *a, size_t alen, int has_b,
    const char *b, size_t blen)
{
	if (has_a != has_b)
		return 0;
	return !has_a || (alen == blen && memcmp(a, b, alen) == 0);
}

void
query_users_free(struct query_users *qu)
{
	size_t	i;

	for (i = 0; i < qu->nstore; i++)
		free(qu->store[i]);
	memset(qu, 0, sizeof(*qu));
}

/*
 * Splits and decodes the query into ps (at most QUERY_MAX_PARAMS); the
 * strings go to qu->store.  Returns USERCGI_OK, USERCGI_BAD_SEARCH (a
 * limit, text set) or USERCGI_NOMEM.
 */
static enum usercgi_err
query_split(const char *qs, size_t len, struct query_pair *ps, size_t *np,
    struct query_users *qu, struct buf *text)
{
	const char		*p = qs, *end = qs + len, *amp, *eq;
	enum usercgi_err	 err;
	size_t			 n = 0, plen;

	*np = 0;
	if (len > QUERY_MAX_LEN)
		return query_fail(text, "The query string is too long.", NULL,
		    0, NULL, 0);
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		plen = (size_t)(amp - p);
		if (plen > 0) {
			if (n >= QUERY_MAX_PARAMS)
				return query_fail(text, "Too many query"
				    " parameters.", NULL, 0, NULL, 0);
			if ((eq = memchr(p, '=', plen)) == NULL)
				eq = amp;
			err = query_decode(p, (size_t)(eq - p), &ps[n].name,
			    &ps[n].nlen);
			if (err == USERCGI_OK)
				qu->store[qu->nstore++] = ps[n].name;
			if (err == USERCGI_OK)
				err = query_decode(eq < amp ? eq + 1 : amp,
				    eq < amp ? (size_t)(amp - eq - 1) : 0,
				    &ps[n].value, &ps[n].vlen);
			if (err == USERCGI_OK)
				qu->store[qu->nstore++] = ps[n].value;
			if (err == USERCGI_TOO_LARGE)
				return query_fail(text, "A query parameter is"
				    " too long.", NULL, 0, NULL, 0);
			if (err != USERCGI_OK)
				return err;
			n++;
		}
		p = amp < end ? amp + 1 : end;
	}
	*np = n;
	return USERCGI_OK;
}

/* Returns 1 when the pair's value is exactly v. */
static int
query_val_is(const struct query_pair *p, const char *v)
{
	return p->vlen == strlen(v) && memcmp(p->value, v, p->vlen) == 0;
}

/* Finds key (has, f, flen) in keys[0..*n), adding it when absent; returns its index. */
static size_t
query_key_find(struct query_key *keys, size_t *n, int has, const char *f,
    size_t flen)
{
	size_t	k;

	for (k = 0; k < *n; k++)
		if (query_same_key(keys[k].has_field, keys[k].field,
		    keys[k].flen, has, f, flen))
			return k;
	memset(&keys[k], 0, sizeof(keys[k]));
	keys[k].has_field = has;
	keys[k].field = f;
	keys[k].flen = flen;
	(*n)++;
	return k;
}

/*
 * getSearchMetadata: the joint mode, the case flag, then every key in
 * order: "mode..." sets a mode, "search..." adds a value.  Fills modes,
 * groups and grp (the group of each pair, or -1).
 */
static enum usercgi_err
query_metadata(const struct query_pair *ps, size_t n, struct query_users *qu,
    struct query_key *modes, size_t *nm, struct query_key *groups,
    size_t *ng, long *grp, struct buf *text)
{
	const struct query_pair	*j;
	struct store_query	*q = &qu->q;
	enum usercgi_err	 err;
	enum store_qmode	 m;
	const char		*f;
	size_t			 i, k, flen;
	int			 has;

	if ((j = query_get(ps, n, "joint")) == NULL)
		j = query_get(ps, n, "jointMode");
	if (j != NULL && j->vlen > 0) {
		if (query_val_is(j, "and"))
			q->joint_and = 1;
		else if (!query_val_is(j, "or"))
			return query_fail(text, "Search joint mode `%a` is not"
			    " valid, expect one of or, and.", j->value, j->vlen,
			    NULL, 0);
	}
	q->case_sensitive = query_yes(query_get(ps, n, "isCaseSensitive"));
	for (i = 0; i < n; i++) {
		grp[i] = -1;
		if (query_starts(&ps[i], "mode")) {
			if ((err = query_key_field(&ps[i], &has, &f, &flen,
			    text)) != USERCGI_OK)
				return err;
			if (!query_mode_of(&ps[i], &m))
				return query_fail(text, has && flen > 0 ?
				    "Search match mode `%a` for field `%b` is"
				    " not valid, expect one of exact, like,"
				    " similar_to, posix." :
				    "Search match mode `%a` is not valid,"
				    " expect one of exact, like, similar_to,"
				    " posix.", ps[i].value, ps[i].vlen, f, flen);
			k = query_key_find(modes, nm, has, f, flen);
			modes[k].mode = m;
			continue;
		}
		if (!query_starts(&ps[i], "search"))
			continue;
		if ((err = query_key_field(&ps[i], &has, &f, &flen, text)) !=
		    USERCGI_OK)
			return err;
		k = query_key_find(groups, ng, has, f, flen);
		groups[k].nvalues++;
		grp[i] = (long)k;
	}
	return USERCGI_OK;
}

/* The mode of a group: its own, else the bare mode's, else like. */
static enum store_qmode
query_group_mode(const struct query_key *g, const struct query_key *modes,
    size_t nm)
{
	size_t	k;

	for (k = 0; k < nm; k++)
		if (query_same_key(modes[k].has_field, modes[k].field,
		    modes[k].flen, g->has_field, g->field, g->flen))
			return modes[k].mode;
	for (k = 0; k < nm; k++)
		if (!modes[k].has_field)
			return modes[k].mode;
	return STORE_QM_LIKE;
}

/* usercgi: a pattern the store would refuse, with PostgreSQL's words. */
static enum usercgi_err
query_pattern(const struct store_qgroup *g, int cs, struct buf *text)
{
	struct re		*re = NULL;
	const char		*why = NULL, *v = g->values[0];
	enum usercgi_err	 err;
	size_t			 len = strlen(v);

	if (g->mode == STORE_QM_LIKE) {
		if (!re_like_valid(v, len))
			return query_fail(text, "LIKE pattern must not end with"
			    " escape character.", NULL, 0, NULL, 0);
		return USERCGI_OK;
	}
	if (g->mode != STORE_QM_SIMILAR_TO && g->mode != STORE_QM_POSIX)
		return USERCGI_OK;
	err = re_compile(v, len, (g->mode == STORE_QM_SIMILAR_TO ? RE_SIMILAR :
	    0) | (cs ? 0 : RE_ICASE), &re, &why);
	re_free(re);
	if (err == USERCGI_BAD_PATTERN)
		return query_fail(text, g->mode == STORE_QM_SIMILAR_TO ?
		    "Invalid SIMILAR TO pattern: %a." :
		    "Invalid regular expression: %a.", why, strlen(why), NULL,
		    0);
	return err;
}

enum usercgi_err
query_parse_users(const char *qs, size_t len, struct query_users *qu,
    struct buf *text)
{
	struct query_pair	 ps[QUERY_MAX_PARAMS];
	struct query_key	 modes[QUERY_MAX_PARAMS];
	struct query_key	 groups[QUERY_MAX_PARAMS];
	long			 grp[QUERY_MAX_PARAMS];
	struct store_query	*q = &qu->q;
	struct store_qgroup	*sg;
	const struct query_pair	*r, *o;
	enum usercgi_err	 err;
	unsigned char		 brk[QUERY_MAX_VALUE + 1];
	char			 snake[2 * QUERY_MAX_VALUE];
	size_t			 n, nm = 0, ng = 0, i, k, nv = 0;
	int			 fi;

	memset(qu, 0, sizeof(*qu));
	q->page = 1;
	q->page_size = 20;
	if ((err = query_split(qs != NULL ? qs : "", qs != NULL ? len : 0, ps,
	    &n, qu, text)) != USERCGI_OK)
		return err;
	/* koa-pagination runs before the route. */
	if ((err = query_pagination(ps, n, q)) != USERCGI_OK)
		return err;
	/* routes/admin-user/search.ts */
	r = query_get(ps, n, "excludeRoleId");
	o = query_get(ps, n, "excludeOrganizationId");
	qu->exclude_role = r != NULL && r->vlen > 0;
	qu->exclude_organization = o != NULL && o->vlen > 0;
	if (qu->exclude_role && qu->exclude_organization)
		return query_fail(text, "Parameter `excludeRoleId` and"
		    " `excludeOrganizationId` cannot be used at the same time.",
		    NULL, 0, NULL, 0);
	if ((err = query_metadata(ps, n, qu, modes, &nm, groups, &ng, grp,
	    text)) != USERCGI_OK)
		return err;
	/* parseSearchParamsForSearch: the values of each group. */
	for (k = 0; k < ng; k++) {
		groups[k].mode = query_group_mode(&groups[k], modes, nm);
		if (groups[k].mode != STORE_QM_EXACT && groups[k].nvalues != 1)
			return query_fail(text, "Only one search value is"
			    " allowed when search mode is not `exact`.", NULL, 0,
			    NULL, 0);
		for (i = 0; i < n; i++)
			if (grp[i] == (long)k && ps[i].vlen == 0)
				return query_fail(text, "Search value cannot be"
				    " empty.", NULL, 0, NULL, 0);
	}
	/* buildConditionsFromSearch, group by group. */
	for (k = 0; k < ng; k++) {
		fi = STORE_QF_ALL;
		if (groups[k].has_field && groups[k].flen > 0) {
			query_snake(groups[k].field, groups[k].flen, snake,
			    brk);
			if (snake[0] != '\0' && (fi = query_field(snake)) < 0)
				return query_fail(text, "Search field `%a` is"
				    " not valid, expect one of id,"
				    " primary_email, primary_phone, username,"
				    " name.", snake, strlen(snake), NULL, 0);
			if (fi < 0)
				fi = STORE_QF_ALL;
		}
		if (groups[k].mode == STORE_QM_SIMILAR_TO && !q->case_sensitive)
			return query_fail(text, "Cannot use case-insensitive"
			    " match for `similar to`.", NULL, 0, NULL, 0);
		groups[k].nvalues = (size_t)fi;	/* reused: the store field */
	}
	/* usercgi: limits, values without NUL, then the patterns. */
	if (ng > STORE_QUERY_MAX_GROUPS)
		return query_fail(text, "Too many search fields.", NULL, 0,
		    NULL, 0);
	for (k = 0; k < ng; k++) {
		sg = &q->groups[k];
		sg->field = (enum store_qfield)groups[k].nvalues;
		sg->mode = groups[k].mode;
		sg->values = &qu->values[nv];
		for (i = 0; i < n; i++) {
			if (grp[i] != (long)k)
				continue;
			if (nv >= STORE_QUERY_MAX_VALUES)
				return query_fail(text, "Too many search"
				    " values.", NULL, 0, NULL, 0);
			if (memchr(ps[i].value, '\0', ps[i].vlen) != NULL)
				return query_fail(text, "A search value cannot"
				    " contain U+0000.", NULL, 0, NULL, 0);
			qu->values[nv++] = ps[i].value;
			sg->nvalues++;
		}
	}
	q->ngroups = ng;
	for (k = 0; k < ng; k++)
		if ((err = query_pattern(&q->groups[k], q->case_sensitive,
		    text)) != USERCGI_OK)
			return err;
	qu->include_password_hash = query_yes(query_get(ps, n,
	    "includePasswordHash"));
	return USERCGI_OK;
}

/*
 * Appends the bytes of one raw query piece, percent-encoding what RFC
 * 3986 §3.4 does not allow in a query (and a "%" not followed by two hex
 * digits).
 */
static enum usercgi_err
query_put_raw(struct buf *b, const char *s, size_t len)
{
	static const char	 ok[] = "-._~!$&'()*+,;=:@/?";
	enum usercgi_err	 err = USERCGI_OK;
	unsigned char		 c;
	size_t			 i;

	for (i = 0; i < len && err == USERCGI_OK; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || (c != '\0' &&
		    strchr(ok, c) != NULL) || (c == '%' && i + 2 < len &&
		    hex_value((unsigned char)s[i + 1]) >= 0 &&
		    hex_value((unsigned char)s[i + 2]) >= 0))
			err = buf_addc(b, (char)c);
		else
			err = buf_printf(b, "%%%02X", c);
	}
	return err;
}

/* Appends <base?query with page>; rel="rel". */
static enum usercgi_err
query_link_one(struct buf *b, const char *base, const char *qs, size_t len,
    int64_t page, const char *rel)
{
	const char		*p = qs, *end = qs + len, *amp, *eq;
	enum usercgi_err	 err;
	char			*name;
	size_t			 nlen;
	int			 replaced = 0, first = 1;

	if ((err = buf_printf(b, "<%s?", base)) != USERCGI_OK)
		return err;
	while (p < end && err == USERCGI_OK) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		if (!first)
			err = buf_addc(b, '&');
		first = 0;
		if (err == USERCGI_OK && (err = query_decode(p, (size_t)(eq - p),
		    &name, &nlen)) == USERCGI_OK) {
			if (nlen == 4 && memcmp(name, "page", 4) == 0) {
				err = buf_printf(b, "page=%lld",
				    (long long)page);
				replaced = 1;
			} else
				err = query_put_raw(b, p, (size_t)(amp - p));
			free(name);
		} else if (err == USERCGI_TOO_LARGE)
			err = query_put_raw(b, p, (size_t)(amp - p));
		p = amp < end ? amp + 1 : end;
	}
	if (err == USERCGI_OK && !replaced)
		err = buf_printf(b, "%spage=%lld", first ? "" : "&",
		    (long long)page);
	if (err == USERCGI_OK)
		err = buf_printf(b, ">; rel=\"%s\"", rel);
	return err;
}

enum usercgi_err
query_link(struct buf *out, const char *base_url, const char *qs, size_t len,
    int64_t page, int64_t last)
{
	enum usercgi_err	err;

	if (qs == NULL)
		len = 0;
	if ((err = query_link_one(out, base_url, qs != NULL ? qs : "", len, 1,
	    "first")) != USERCGI_OK)
		return err;
	if (page > 1 && ((err = buf_addstr(out, ", ")) != USERCGI_OK ||
	    (err = query_link_one(out, base_url, qs != NULL ? qs : "", len,
	    page - 1, "prev")) != USERCGI_OK))
		return err;
	if ((err = buf_addstr(out, ", ")) != USERCGI_OK ||
	    (err = query_link_one(out, base_url, qs != NULL ? qs : "", len,
	    last, "last")) != USERCGI_OK)
		return err;
	if (page < last && ((err = buf_addstr(out, ", ")) != USERCGI_OK ||
	    (err = query_link_one(out, base_url, qs != NULL ? qs : "", len,
	    page + 1, "next")) != USERCGI_OK))
		return err;
	return USERCGI_OK;
}
