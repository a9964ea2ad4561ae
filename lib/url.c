/*
 * url.c: would the WHATWG URL parser (URL Standard, "basic URL parser",
 * https://url.spec.whatwg.org/#concept-basic-url-parser) accept a string
 * with no base URL, i.e. does `new URL(s)` succeed in Node.js?
 *
 * Only the steps that can return failure are implemented: the scheme,
 * the authority (userinfo, host, port) and the host parser (IPv6, IPv4,
 * opaque hosts, domains).  Path, query and fragment never fail.  "domain
 * to ASCII" (UTS #46) is approximated: ASCII is checked exactly, "xn--"
 * labels are Punycode-decoded (RFC 3492) and checked, and non-ASCII code
 * points are accepted unless they are of a kind UTS #46 maps to a space
 * or disallows (controls, spaces, private use, noncharacters, joiners,
 * bidi controls); fullwidth ASCII and ideographic full stops are mapped.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "url.h"
#include "utf8.h"

/* A slice of code points. */
struct cps {
	const uint32_t	*p;
	size_t		 n;
};

static int
url_alpha(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
url_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static int
url_hexval(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/* URL Standard §3.1: forbidden host code point. */
static int
url_forbidden_host(uint32_t c)
{
	switch (c) {
	case 0x00: case 0x09: case 0x0a: case 0x0d: case ' ': case '#':
	case '/': case ':': case '<': case '>': case '?': case '@': case '[':
	case '\\': case ']': case '^': case '|':
		return 1;
	default:
		return 0;
	}
}

/* URL Standard §3.1: forbidden domain code point. */
static int
url_forbidden_domain(uint32_t c)
{
	return url_forbidden_host(c) || c <= 0x1f || c == '%' || c == 0x7f;
}

/*
 * UTS #46 approximation for one non-ASCII code point.  Returns 1 and
 * sets *out (0 = ignored, removed) when the code point may appear in a
 * domain, 0 when domain to ASCII would fail on it (disallowed, mapped
 * to a space or to something containing a dot).
 */
static int
url_idna_map(uint32_t c, uint32_t *out)
{
	*out = c;
	if (c == 0x00ad || c == 0x034f || (c >= 0x180b && c <= 0x180f) ||
	    c == 0x200b || c == 0x2060 || (c >= 0xfe00 && c <= 0xfe0f) ||
	    c == 0xfeff || (c >= 0xe0100 && c <= 0xe01ef)) {
		*out = 0;
		return 1;
	}
	if (c == 0x3002 || c == 0xff0e || c == 0xff61) {
		*out = '.';
		return 1;
	}
	if (c >= 0xff01 && c <= 0xff5e) {	/* fullwidth ASCII */
		*out = c - 0xfee0;
		if (*out >= 'A' && *out <= 'Z')
			*out += 'a' - 'A';
		return 1;
	}
	if ((c >= 0x80 && c <= 0xa0) || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200a) || (c >= 0x200c && c <= 0x200f) ||
	    (c >= 0x2024 && c <= 0x2026) || (c >= 0x2028 && c <= 0x202f) ||
	    (c >= 0x205f && c <= 0x206f) || (c >= 0x2474 && c <= 0x24b5) ||
	    c == 0x3000 || (c >= 0xd800 && c <= 0xf8ff) ||
	    (c >= 0xfdd0 && c <= 0xfdef) || (c >= 0xfff0 && c <= 0xffff) ||
	    (c & 0xfffe) == 0xfffe || (c >= 0xe0000 && c <= 0xe007f) ||
	    c >= 0xf0000)
		return 0;
	return 1;
}

/*
 * UTS #46 §4.1 (V5): a label must not begin with a combining mark.
 * Approximated by the combining-mark blocks.
 */
static int
url_combining(uint32_t c)
{
	return (c >= 0x0300 && c <= 0x036f) || (c >= 0x0483 && c <= 0x0489) ||
	    (c >= 0x1ab0 && c <= 0x1aff) || (c >= 0x1dc0 && c <= 0x1dff) ||
	    (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe20 && c <= 0xfe2f);
}

/*
 * RFC 3492 §6.2: decodes the Punycode label in[0..n) (ASCII) into out
 * (room for n code points).  Returns the number of code points, or -1.
 */
static long
url_punycode_decode(const uint32_t *in, size_t n, uint32_t *out)
{
	const uint32_t	 base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
	uint32_t	 cp = 128, bias = 72, i = 0, oldi, w, k, t, digit, delta;
	size_t		 b = 0, j, in_pos, outn = 0, numpoints;
	int		 first = 1, delim = 0;

	for (j = 0; j < n; j++)
		if (in[j] == '-') {
			b = j;
			delim = 1;
		}
	for (j = 0; j < b; j++) {
		if (in[j] >= 0x80)
			return -1;
		out[outn++] = in[j];
	}
	for (in_pos = delim ? b + 1 : 0; in_pos < n;) {
		oldi = i;
		w = 1;
		for (k = base;; k += base) {
			if (in_pos >= n)
				return -1;
			if (in[in_pos] >= '0' && in[in_pos] <= '9')
				digit = in[in_pos] - '0' + 26;
			else if (in[in_pos] >= 'a' && in[in_pos] <= 'z')
				digit = in[in_pos] - 'a';
			else if (in[in_pos] >= 'A' && in[in_pos] <= 'Z')
				digit = in[in_pos] - 'A';
			else
				return -1;
			in_pos++;
			if (digit > (UINT32_MAX - i) / w)
				return -1;
			i += digit * w;
			t = k <= bias ? tmin : k >= bias + tmax ? tmax : k - bias;
			if (digit < t)
				break;
			if (w > UINT32_MAX / (base - t))
				return -1;
			w *= base - t;
		}
		numpoints = outn + 1;
		/* adapt (RFC 3492 §6.1) */
		delta = first ? (i - oldi) / damp : (i - oldi) / 2;
		first = 0;
		delta += delta / (uint32_t)numpoints;
		for (k = 0; delta > ((base - tmin) * tmax) / 2; k += base)
			delta /= base - tmin;
		bias = k + (base - tmin + 1) * delta / (delta + skew);
		if (i / numpoints > UINT32_MAX - cp)
			return -1;
		cp += i / (uint32_t)numpoints;
		i %= (uint32_t)numpoints;
		if (cp > 0x10ffff || outn >= n)
			return -1;
		memmove(out + i + 1, out + i, (outn - i) * sizeof(*out));
		out[i++] = cp;
		outn++;
	}
	return (long)outn;
}

/*
 * UTS #46 §4.1 step 4 for a label starting "xn--" (lower case already):
 * returns 1 when the rest decodes to a non-empty label of code points
 * valid as they are (Node also accepts an all-ASCII result, "xn--abc-").
 */
static int
url_xn_label_ok(const uint32_t *l, size_t n)
{
	uint32_t	*dec, m;
	long		 dn, j;
	int		 ok = 0;

	if ((dec = xcalloc(n, sizeof(*dec))) == NULL)
		return 0;
	if ((dn = url_punycode_decode(l + 4, n - 4, dec)) <= 0)
		goto out;
	for (j = 0; j < dn; j++) {
		if (dec[j] < 0x80) {
			if ((dec[j] >= 'A' && dec[j] <= 'Z') || dec[j] == '.' ||
			    url_forbidden_domain(dec[j]))
				goto out;
			continue;
		}
		if (!url_idna_map(dec[j], &m) || m != dec[j] ||
		    (j == 0 && url_combining(dec[j])))
			goto out;
	}
	ok = 1;
out:
	free(dec);
	return ok;
}

/*
 * URL Standard §3.5 "IPv4 number parser" for s[0..n): returns 1 and sets
 * *v (saturated at 2^32) or 0 on failure.
 */
static int
url_ipv4_number(const uint32_t *s, size_t n, uint64_t *v)
{
	unsigned	r = 10;
	size_t		i;
	int		d;

	if (n == 0)
		return 0;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		r = 16;
		s += 2;
		n -= 2;
	} else if (n >= 2 && s[0] == '0') {
		r = 8;
		s++;
		n--;
	}
	*v = 0;
	for (i = 0; i < n; i++) {
		d = url_hexval(s[i]);
		if (d < 0 || (unsigned)d >= r)
			return 0;
		*v = *v * r + (unsigned)d;
		if (*v > UINT32_MAX)
			*v = (uint64_t)UINT32_MAX + 1;
	}
	return 1;
}

/* Splits d on '.' into at most max parts; returns the count (or max + 1). */
static size_t
url_split_dots(struct cps d, struct cps *parts, size_t max)
{
	size_t	i, start = 0, np = 0;

	for (i = 0; i <= d.n; i++) {
		if (i < d.n && d.p[i] != '.')
			continue;
		if (np == max)
			return max + 1;
		parts[np].p = d.p + start;
		parts[np].n = i - start;
		np++;
		start = i + 1;
	}
	return np;
}

/* URL Standard §3.3 "ends in a number checker". */
static int
url_ends_in_number(struct cps d)
{
	size_t		 i, end = d.n, start;
	uint64_t	 v;

	if (end > 0 && d.p[end - 1] == '.') {
		if (end == 1)
			return 0;
		end--;
	}
	for (start = end; start > 0 && d.p[start - 1] != '.'; start--)
		continue;
	if (start == end)
		return 0;
	for (i = start; i < end && url_digit(d.p[i]); i++)
		continue;
	if (i == end)
		return 1;
	return url_ipv4_number(d.p + start, end - start, &v);
}

/* URL Standard §3.5 "IPv4 parser": returns 1 on success. */
static int
url_ipv4(struct cps d)
{
	struct cps	parts[5];
	uint64_t	nums[4], limit = 1;
	size_t		np, i;

	np = url_split_dots(d, parts, 5);
	if (np >= 1 && np <= 5 && parts[np - 1].n == 0 && np > 1)
		np--;
	if (np > 4)
		return 0;
	for (i = 0; i < np; i++)
		if (!url_ipv4_number(parts[i].p, parts[i].n, &nums[i]))
			return 0;
	for (i = 0; i + 1 < np; i++)
		if (nums[i] > 255)
			return 0;
	for (i = 0; i < 5 - np; i++)
		limit *= 256;
	return nums[np - 1] < limit;
}

/* URL Standard §3.5 "IPv6 parser" on the text between the brackets. */
static int
url_ipv6(struct cps a)
{
	uint32_t	addr[8] = { 0 };
	size_t		p = 0, len;
	int		piece = 0, compress = -1, seen, v4;
	uint32_t	value;

#define C	(p < a.n ? a.p[p] : (uint32_t)-1)
	if (C == ':') {
		if (p + 1 >= a.n || a.p[p + 1] != ':')
			return 0;
		p += 2;
		compress = ++piece;
	}
	while (p < a.n) {
		if (piece == 8)
			return 0;
		if (C == ':') {
			if (compress != -1)
				return 0;
			p++;
			compress = ++piece;
			continue;
		}
		value = 0;
		for (len = 0; len < 4 && p < a.n && url_hexval(C) >= 0; len++) {
			value = value * 16 + (uint32_t)url_hexval(C);
			p++;
		}
		if (C == '.') {
			if (len == 0 || piece > 6)
				return 0;
			p -= len;
			seen = 0;
			while (p < a.n) {
				v4 = -1;
				if (seen > 0) {
					if (C == '.' && seen < 4)
						p++;
					else
						return 0;
				}
				if (p >= a.n || !url_digit(C))
					return 0;
				while (p < a.n && url_digit(C)) {
					if (v4 == -1)
						v4 = (int)(C - '0');
					else if (v4 == 0)
						return 0;
					else
						v4 = v4 * 10 + (int)(C - '0');
					if (v4 > 255)
						return 0;
					p++;
				}
				addr[piece] = addr[piece] * 0x100 + (uint32_t)v4;
				seen++;
				if (seen == 2 || seen == 4)
					piece++;
			}
			if (seen != 4)
				return 0;
			break;
		} else if (C == ':') {
			p++;
			if (p >= a.n)
				return 0;
		} else if (p < a.n)
			return 0;
		addr[piece++] = value;
	}
#undef C
	return compress != -1 || piece == 8;
}

/*
 * URL Standard §3.5 "host parser" for a special scheme (domain or IP
 * address) or, with special 0, an opaque host.  Returns 1 on success.
 */
static int
url_host(struct cps h, int special)
{
	struct buf	 b;
	uint32_t	*dom = NULL, cp, m;
	size_t		 i, n, dn = 0, start;
	unsigned char	 u[4];
	int		 ok = 0, hi, lo;

	if (h.n > 0 && h.p[0] == '[') {
		if (h.n < 2 || h.p[h.n - 1] != ']')
			return 0;
		return url_ipv6((struct cps){ h.p + 1, h.n - 2 });
	}
	if (!special) {
		for (i = 0; i < h.n; i++)
			if (url_forbidden_host(h.p[i]))
				return 0;
		return 1;
	}
	/* Percent-decode the UTF-8 form, then decode it again. */
	buf_init(&b, h.n * 4);
	for (i = 0; i < h.n; i++) {
		cp = h.p[i];
		if (cp == '%' && i + 2 < h.n &&
		    (hi = url_hexval(h.p[i + 1])) >= 0 &&
		    (lo = url_hexval(h.p[i + 2])) >= 0) {
			u[0] = (unsigned char)(hi * 16 + lo);
			n = 1;
			i += 2;
		} else if (cp < 0x80) {
			u[0] = (unsigned char)cp;
			n = 1;
		} else if (cp < 0x800) {
			u[0] = (unsigned char)(0xc0 | (cp >> 6));
			u[1] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 2;
		} else if (cp < 0x10000) {
			u[0] = (unsigned char)(0xe0 | (cp >> 12));
			u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			u[2] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 3;
		} else {
			u[0] = (unsigned char)(0xf0 | (cp >> 18));
			u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
			u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			u[3] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 4;
		}
		if (buf_add(&b, u, n) != USERCGI_OK)
			goto out;
	}
	/* Invalid UTF-8 decodes to U+FFFD, which UTS #46 disallows. */
	if (!utf8_valid(buf_str(&b), b.len))
		goto out;
	if ((dom = xcalloc(b.len + 1, sizeof(*dom))) == NULL)
		goto out;
	for (i = 0; i < b.len; i += n) {
		n = utf8_decode(buf_str(&b) + i, b.len - i, &cp);
		if (cp < 0x80)
			m = cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
		else if (!url_idna_map(cp, &m))
			goto out;
		else if (m == 0)
			continue;
		if (url_forbidden_domain(m) || (url_combining(m) &&
		    (dn == 0 || dom[dn - 1] == '.')))
			goto out;
		dom[dn++] = m;
	}
	if (dn == 0)
		goto out;
	for (start = 0, i = 0; i <= dn; i++) {
		if (i < dn && dom[i] != '.')
			continue;
		if (i - start >= 4 && dom[start] == 'x' &&
		    dom[start + 1] == 'n' && dom[start + 2] == '-' &&
		    dom[start + 3] == '-' && !url_xn_label_ok(dom + start,
		    i - start))
			goto out;
		start = i + 1;
	}
	if (url_ends_in_number((struct cps){ dom, dn }))
		ok = url_ipv4((struct cps){ dom, dn });
	else
		ok = 1;
out:
	free(dom);
	buf_free(&b);
	return ok;
}

/*
 * The authority after "//" (special schemes: after any run of slashes):
 * a[0..n) is everything up to the first / ? # (or \ when special).
 * Returns 1 when the userinfo, host and port are acceptable.
 */
static int
url_authority(struct cps a, int special)
{
	struct cps	host;
	size_t		i, at = 0, colon;
	int		has_at = 0, inside = 0;
	uint32_t	port = 0;

	for (i = 0; i < a.n; i++)
		if (a.p[i] == '@') {
			has_at = 1;
			at = i + 1;
		}
	host.p = a.p + at;
	host.n = a.n - at;
	if (has_at && host.n == 0)
		return 0;
	for (colon = 0; colon < host.n; colon++) {
		if (host.p[colon] == '[')
			inside = 1;
		else if (host.p[colon] == ']')
			inside = 0;
		else if (host.p[colon] == ':' && !inside)
			break;
	}
	if (colon < host.n) {
		if (colon == 0)
			return 0;
		for (i = colon + 1; i < host.n; i++) {
			if (!url_digit(host.p[i]))
				return 0;
			port = port * 10 + (host.p[i] - '0');
			if (port > 65535)
				return 0;
		}
	} else if (special && host.n == 0)
		return 0;
	host.n = colon;
	return url_host(host, special);
}

static int
url_special(const uint32_t *s, size_t n, int *file)
{
	static const char	*names[] = { "ftp", "file", "http", "https",
	    "ws", "wss" };
	size_t			 i, j;

	*file = 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i]) != n)
			continue;
		for (j = 0; j < n; j++) {
			uint32_t	c = s[j] >= 'A' && s[j] <= 'Z' ?
			    s[j] + ('a' - 'A') : s[j];

			if (c != (uint32_t)names[i][j])
				break;
		}
		if (j == n) {
			*file = i == 1;
			return 1;
		}
	}
	return 0;
}

static int
url_slash(uint32_t c, int special)
{
	return c == '/' || (special && c == '\\');
}

/*
 * The basic URL parser from the scheme start state, with no base URL,
 * on the cleaned code points: returns 1 when it would not fail.
 */
static int
url_parse(const uint32_t *s, size_t n)
{
	struct cps	r, a;
	size_t		i, end;
	int		special, file;

	if (n == 0 || !url_alpha(s[0]))
		return 0;
	for (i = 1; i < n && (url_alpha(s[i]) || url_digit(s[i]) ||
	    s[i] == '+' || s[i] == '-' || s[i] == '.'); i++)
		continue;
	if (i == n || s[i] != ':')
		return 0;
	special = url_special(s, i, &file);
	r.p = s + i + 1;
	r.n = n - i - 1;
	if (file) {
		/* file state, file slash state, file host state */
		if (r.n < 2 || !url_slash(r.p[0], 1) || !url_slash(r.p[1], 1))
			return 1;
		for (end = 2; end < r.n && !url_slash(r.p[end], 1) &&
		    r.p[end] != '?' && r.p[end] != '#'; end++)
			continue;
		a.p = r.p + 2;
		a.n = end - 2;
		if (a.n == 0 || (a.n == 2 && url_alpha(a.p[0]) &&
		    (a.p[1] == ':' || a.p[1] == '|')))
			return 1;
		return url_host(a, 1);
	}
	if (special) {
		/* special authority (ignore) slashes state */
		for (i = 0; i < r.n && url_slash(r.p[i], 1); i++)
			continue;
	} else {
		/* path or authority state, else opaque path: never fails */
		if (r.n < 2 || r.p[0] != '/' || r.p[1] != '/')
			return 1;
		i = 2;
	}
	for (end = i; end < r.n && !url_slash(r.p[end], special) &&
	    r.p[end] != '?' && r.p[end] != '#'; end++)
		continue;
	a.p = r.p + i;
	a.n = end - i;
	return url_authority(a, special);
}

int
url_is_valid(const char *s, size_t len)
{
	uint32_t	*cp = NULL, c;
	size_t		 i, k, n = 0, start;
	int		 ok = 0;

	if (!utf8_valid(s, len))
		return 0;
	if ((cp = xcalloc(len + 1, sizeof(*cp))) == NULL)
		return 0;
	/* Remove ASCII tab or newline everywhere. */
	for (i = 0; i < len; i += k) {
		k = utf8_decode(s + i, len - i, &c);
		if (c != 0x09 && c != 0x0a && c != 0x0d)
			cp[n++] = c;
	}
	/* Strip leading and trailing C0 control or space. */
	for (start = 0; start < n && cp[start] <= 0x20; start++)
		continue;
	while (n > start && cp[n - 1] <= 0x20)
		n--;
	ok = url_parse(cp + start, n - start);
	free(cp);
	return ok;
}
