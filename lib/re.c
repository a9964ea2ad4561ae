/*
 * re.c: regular expressions, SIMILAR TO and LIKE for searches (re.h).
 *
 * A pattern is parsed by recursive descent (depth at most RE_MAX_DEPTH)
 * into a tree of at most 3 nodes per pattern byte, then compiled to the
 * instructions of Thompson's construction (K. Thompson, "Regular
 * expression search algorithm", CACM 11(6), 1968): CHAR, ANY, CLASS,
 * the assertions BOL and EOL, SPLIT, JMP and MATCH.  {m,n} repeats its
 * operand's code, so the size limit is checked while emitting.
 *
 * re_match runs the program as a set of states advanced in lock step
 * over the text (no backtracking): each state is added at most once per
 * position, so a match costs O(program x text) time and two state lists
 * of RE_MAX_PROG entries, on the stack.
 *
 * Syntax (ERE, as PostgreSQL's ARE reads it where they differ): | * + ?
 * {m} {m,} {m,n} (a trailing ? making a quantifier lazy is accepted and
 * changes nothing for a yes/no answer), ( ), (?: ), . ^ $, brackets with
 * ranges, [:class:] and the escapes below, and the escapes \d \w \s
 * \D \W \S \t \n \r \f \v; a backslash before any other character that
 * is not a letter or digit makes it literal.  Back references and the
 * other ARE escapes are refused.  "." matches every character, newline
 * included; ^ and $ match at the ends of the text only.
 *
 * SIMILAR TO (SQL:2016 8.6, as PostgreSQL reads it): % and _ are .* and
 * ., . ^ $ are literal, "\" makes the next character literal, the rest
 * as above; the whole text must match.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "re.h"
#include "utf8.h"

enum re_op { RO_CHAR, RO_ANY, RO_CLASS, RO_BOL, RO_EOL, RO_SPLIT, RO_JMP,
    RO_MATCH };

struct re_inst {
	uint8_t		 op;
	uint32_t	 a;	/* CHAR: code point; CLASS: index; SPLIT/JMP: target */
	uint32_t	 b;	/* SPLIT: second target; CHAR: lowercase */
	uint32_t	 c;	/* CHAR: uppercase */
};

/* A class item: a range lo..hi (ctype -1), or a ctype, negated for \D \W \S. */
struct re_item {
	uint32_t	 lo, hi;
	int		 ctype;	/* enum utf8_class, or -1 for a range */
	int		 neg;	/* \D \W \S inside brackets */
};

struct re_class {
	size_t		 first, n;	/* items[first..first+n) */
	int		 neg;
};

struct re {
	struct re_inst	*prog;
	size_t		 nprog;
	struct re_item	*items;
	size_t		 nitems;
	struct re_class	*cls;
	size_t		 ncls;
	unsigned	 flags;
};

enum re_node_kind { RN_EMPTY, RN_CHAR, RN_ANY, RN_CLASS, RN_BOL, RN_EOL,
    RN_CAT, RN_ALT, RN_REP };

struct re_node {
	uint8_t		 kind;
	uint32_t	 v;		/* CHAR code point, CLASS index */
	int		 l, r;		/* children (CAT, ALT), operand (REP: l) */
	int		 min, max;	/* REP; max -1 = unbounded */
};

struct re_parse {
	const char	*p, *end;
	unsigned	 flags;
	struct re	*re;
	struct re_node	*nodes;
	size_t		 nnodes, maxnodes;
	size_t		 maxitems, maxcls;
	int		 depth;
	const char	*why;
};

#define RE_FAIL(ps, w)	((ps)->why = (w), -1)

/* Returns a new node's index, or -1 (out of nodes: pattern too complex). */
static int
re_node(struct re_parse *ps, int kind)
{
	struct re_node	*n;

	if (ps->nnodes >= ps->maxnodes)
		return RE_FAIL(ps, "pattern too complex");
	n = &ps->nodes[ps->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = (uint8_t)kind;
	n->l = n->r = -1;
	return (int)ps->nnodes++;
}

static int
re_pair(struct re_parse *ps, int kind, int l, int r)
{
	int	i;

	if (l < 0 || r < 0 || (i = re_node(ps, kind)) < 0)
		return -1;
	ps->nodes[i].l = l;
	ps->nodes[i].r = r;
	return i;
}

/* Decodes one pattern character into *cp; returns 0 at the end or on bad UTF-8 (why set). */
static int
re_getc(struct re_parse *ps, uint32_t *cp)
{
	size_t	n;

	if (ps->p >= ps->end)
		return 0;
	if ((n = utf8_decode(ps->p, (size_t)(ps->end - ps->p), cp)) == 0) {
		ps->why = "invalid UTF-8 in pattern";
		return 0;
	}
	ps->p += n;
	return 1;
}

/* Adds a class item; returns 0 or -1. */
static int
re_item_add(struct re_parse *ps, uint32_t lo, uint32_t hi, int ctype, int neg)
{
	struct re_item	*it;

	if (ps->re->nitems >= ps->maxitems)
		return RE_FAIL(ps, "pattern too complex");
	it = &ps->re->items[ps->re->nitems++];
	it->lo = lo;
	it->hi = hi;
	it->ctype = ctype;
	it->neg = neg;
	return 0;
}

/* Returns a CLASS node for one ctype (\d \w \s and their negations). */
static int
re_ctype_node(struct re_parse *ps, int ctype, int neg)
{
	struct re_class	*c;
	int		 i;

	if (ps->re->ncls >= ps->maxcls)
		return RE_FAIL(ps, "pattern too complex");
	c = &ps->re->cls[ps->re->ncls];
	c->first = ps->re->nitems;
	c->neg = neg;
	if (re_item_add(ps, 0, 0, ctype, 0) != 0 || (i = re_node(ps,
	    RN_CLASS)) < 0)
		return -1;
	c->n = 1;
	ps->nodes[i].v = (uint32_t)ps->re->ncls++;
	return i;
}

/* Maps the letter of \d \w \s (either case) to its ctype, or -1. */
static int
re_escape_ctype(uint32_t c)
{
	switch (c) {
	case 'd': case 'D':
		return UTF8_DIGIT;
	case 'w': case 'W':
		return UTF8_WORD;
	case 's': case 'S':
		return UTF8_SPACE;
	}
	return -1;
}

/* Maps \t \n \r \f \v to the control character, or 0. */
static uint32_t
re_escape_ctl(uint32_t c)
{
	switch (c) {
	case 't': return '\t';
	case 'n': return '\n';
	case 'r': return '\r';
	case 'f': return '\f';
	case 'v': return '\v';
	}
	return 0;
}

static int
re_is_alnum_ascii(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/*
 * Reads the character after a backslash (already consumed): sets *cp to
 * a literal, or *ctype and *neg for \d \w \s.  Returns 0 or -1.
 */
static int
re_escape(struct re_parse *ps, uint32_t *cp, int *ctype, int *neg)
{
	uint32_t	c;

	*ctype = -1;
	*neg = 0;
	if (!re_getc(ps, &c))
		return RE_FAIL(ps, ps->why != NULL ? ps->why :
		    "invalid escape \\ sequence");
	if ((ps->flags & RE_SIMILAR) != 0 || !re_is_alnum_ascii(c)) {
		*cp = c;
		return 0;
	}
	if ((*ctype = re_escape_ctype(c)) >= 0) {
		*neg = c >= 'A' && c <= 'Z';
		return 0;
	}
	if ((*cp = re_escape_ctl(c)) != 0)
		return 0;
	return RE_FAIL(ps, "invalid escape \\ sequence");
}

static const struct {
	const char	*name;
	int		 ctype;
} re_ctypes[] = {
	{ "alnum", UTF8_ALNUM }, { "alpha", UTF8_ALPHA },
	{ "blank", UTF8_BLANK }, { "cntrl", UTF8_CNTRL },
	{ "digit", UTF8_DIGIT }, { "graph", UTF8_GRAPH },
	{ "lower", UTF8_LOWER }, { "print", UTF8_PRINT },
	{ "punct", UTF8_PUNCT }, { "space", UTF8_SPACE },
	{ "upper", UTF8_UPPER }, { "xdigit", UTF8_XDIGIT },
	{ "word", UTF8_WORD },
};

/* After "[:": reads "name:]" and adds the ctype item.  Returns 0 or -1. */
static int
re_bracket_ctype(struct re_parse *ps)
{
	const char	*close;
	size_t		 i, n;

	for (close = ps->p; close + 1 < ps->end; close++)
		if (close[0] == ':' && close[1] == ']')
			break;
	if (close + 1 >= ps->end)
		return RE_FAIL(ps, "brackets [] not balanced");
	n = (size_t)(close - ps->p);
	for (i = 0; i < sizeof(re_ctypes) / sizeof(re_ctypes[0]); i++)
		if (strlen(re_ctypes[i].name) == n &&
		    memcmp(re_ctypes[i].name, ps->p, n) == 0) {
			ps->p = close + 2;
			return re_item_add(ps, 0, 0, re_ctypes[i].ctype, 0);
		}
	return RE_FAIL(ps, "invalid character class");
}

/*
 * One bracket element after "[" and an optional "^" were consumed: sets
 * *cp and returns 1 for a character, returns 2 when it added a ctype
 * item itself, 0 at "]" (closing; not when first), -1 on error.
 */
static int
re_bracket_elem(struct re_parse *ps, int first, uint32_t *cp)
{
	int	ctype, neg;

	if (ps->p >= ps->end)
		return RE_FAIL(ps, "brackets [] not balanced");
	if (*ps->p == ']' && !first) {
		ps->p++;
		return 0;
	}
	if (*ps->p == '[' && ps->p + 1 < ps->end &&
	    (ps->p[1] == ':' || ps->p[1] == '=' || ps->p[1] == '.')) {
		if (ps->p[1] != ':')
			return RE_FAIL(ps, "collating elements are not supported");
		ps->p += 2;
		return re_bracket_ctype(ps) == 0 ? 2 : -1;
	}
	if (*ps->p == '\\' && (ps->flags & RE_SIMILAR) == 0) {
		ps->p++;
		if (re_escape(ps, cp, &ctype, &neg) != 0)
			return -1;
		if (ctype >= 0)
			return re_item_add(ps, 0, 0, ctype, neg) == 0 ? 2 : -1;
		return 1;
	}
	if (!re_getc(ps, cp))
		return RE_FAIL(ps, ps->why != NULL ? ps->why :
		    "brackets [] not balanced");
	return 1;
}

/* After "[": parses the bracket expression; returns its CLASS node or -1. */
static int
re_bracket(struct re_parse *ps)
{
	struct re_class	*c;
	uint32_t	 lo, hi;
	int		 first = 1, k, i;

	if (ps->re->ncls >= ps->maxcls)
		return RE_FAIL(ps, "pattern too complex");
	c = &ps->re->cls[ps->re->ncls];
	c->first = ps->re->nitems;
	c->neg = 0;
	if (ps->p < ps->end && *ps->p == '^') {
		c->neg = 1;
		ps->p++;
	}
	for (;;) {
		if ((k = re_bracket_elem(ps, first, &lo)) < 0)
			return -1;
		if (k == 0)
			break;
		first = 0;
		if (k == 2)
			continue;
		hi = lo;
		if (ps->p + 1 < ps->end && *ps->p == '-' && ps->p[1] != ']') {
			ps->p++;
			if ((k = re_bracket_elem(ps, 0, &hi)) < 0)
				return -1;
			if (k != 1 || hi < lo)
				return RE_FAIL(ps, "invalid character range");
		}
		if (re_item_add(ps, lo, hi, -1, 0) != 0)
			return -1;
	}
	c->n = ps->re->nitems - c->first;
	if ((i = re_node(ps, RN_CLASS)) < 0)
		return -1;
	ps->nodes[i].v = (uint32_t)ps->re->ncls++;
	return i;
}

/* Reads a decimal bound of at most RE_MAX_REPEAT; returns it, or -1 when none. */
static int
re_bound(struct re_parse *ps)
{
	int	v = -1;

	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
		v = (v < 0 ? 0 : v) * 10 + (*ps->p - '0');
		if (v > RE_MAX_REPEAT)
			v = RE_MAX_REPEAT + 1;
		ps->p++;
	}
	return v;
}

/* After "{": reads m}, m,} or m,n} into *min, *max (-1 unbounded).  Returns 0 or -1. */
static int
re_braces(struct re_parse *ps, int *min, int *max)
{
	if ((*min = re_bound(ps)) < 0)
		return RE_FAIL(ps, "invalid repetition count(s)");
	*max = *min;
	if (ps->p < ps->end && *ps->p == ',') {
		ps->p++;
		*max = re_bound(ps);
	}
	if (ps->p >= ps->end || *ps->p != '}')
		return RE_FAIL(ps, "braces {} not balanced");
	ps->p++;
	if (*min > RE_MAX_REPEAT || *max > RE_MAX_REPEAT ||
	    (*max >= 0 && *max < *min))
		return RE_FAIL(ps, "invalid repetition count(s)");
	return 0;
}

static int re_alt(struct re_parse *);

/* Returns the node of one atom (ps->p < ps->end), or -1. */
static int
re_atom(struct re_parse *ps)
{
	uint32_t	 c;
	int		 i, ctype, neg, sim = (ps->flags & RE_SIMILAR) != 0;
	char		 ch = *ps->p;

	switch (ch) {
	case '(':
		ps->p++;
		if (++ps->depth > RE_MAX_DEPTH)
			return RE_FAIL(ps, "parentheses nested too deeply");
		if (!sim && ps->end - ps->p >= 2 && ps->p[0] == '?' &&
		    ps->p[1] == ':')
			ps->p += 2;
		else if (!sim && ps->p < ps->end && ps->p[0] == '?')
			return RE_FAIL(ps, "invalid group");
		if ((i = re_alt(ps)) < 0)
			return -1;
		if (ps->p >= ps->end || *ps->p != ')')
			return RE_FAIL(ps, "parentheses () not balanced");
		ps->p++;
		ps->depth--;
		return i;
	case '[':
		ps->p++;
		return re_bracket(ps);
	case '*': case '+': case '?': case '{':
		return RE_FAIL(ps, "quantifier operand invalid");
	case '\\':
		ps->p++;
		if (re_escape(ps, &c, &ctype, &neg) != 0)
			return -1;
		if (ctype >= 0)
			return re_ctype_node(ps, ctype, neg);
		break;
	case '.':
		ps->p++;
		if (!sim)
			return re_node(ps, RN_ANY);
		c = '.';
		break;
	case '^': case '$':
		ps->p++;
		if (!sim)
			return re_node(ps, ch == '^' ? RN_BOL : RN_EOL);
		c = (uint32_t)ch;
		break;
	case '_':
		if (!sim)
			goto literal;
		ps->p++;
		return re_node(ps, RN_ANY);
	case '%':
		if (!sim)
			goto literal;
		ps->p++;
		if ((i = re_node(ps, RN_REP)) < 0)
			return -1;
		ps->nodes[i].min = 0;
		ps->nodes[i].max = -1;
		if ((ps->nodes[i].l = re_node(ps, RN_ANY)) < 0)
			return -1;
		return i;
	default:
	literal:
		if (!re_getc(ps, &c))
			return RE_FAIL(ps, ps->why);
		break;
	}
	if ((i = re_node(ps, RN_CHAR)) < 0)
		return -1;
	ps->nodes[i].v = c;
	return i;
}

/* An atom and its quantifiers. */
static int
re_piece(struct re_parse *ps)
{
	int	a, i, min, max, quantified = 0;

	if ((a = re_atom(ps)) < 0)
		return -1;
	while (ps->p < ps->end && (*ps->p == '*' || *ps->p == '+' ||
	    *ps->p == '?' || *ps->p == '{')) {
		if (quantified)
			return RE_FAIL(ps, "quantifier operand invalid");
		quantified = 1;
		switch (*ps->p++) {
		case '*': min = 0; max = -1; break;
		case '+': min = 1; max = -1; break;
		case '?': min = 0; max = 1; break;
		default:
			if (re_braces(ps, &min, &max) != 0)
				return -1;
		}
		/* A lazy quantifier ("*?") matches the same texts. */
		if ((ps->flags & RE_SIMILAR) == 0 && ps->p < ps->end &&
		    *ps->p == '?')
			ps->p++;
		if ((i = re_node(ps, RN_REP)) < 0)
			return -1;
		ps->nodes[i].l = a;
		ps->nodes[i].min = min;
		ps->nodes[i].max = max;
		a = i;
	}
	return a;
}

/* A branch: pieces up to "|", ")" or the end (possibly none). */
static int
re_branch(struct re_parse *ps)
{
	int	 a = -2, b;

	while (ps->p < ps->end && *ps->p != '|' && *ps->p != ')') {
		if ((b = re_piece(ps)) < 0)
			return -1;
		a = a == -2 ? b : re_pair(ps, RN_CAT, a, b);
		if (a < 0)
			return -1;
	}
	return a == -2 ? re_node(ps, RN_EMPTY) : a;
}

static int
re_alt(struct re_parse *ps)
{
	int	a, b;

	if ((a = re_branch(ps)) < 0)
		return -1;
	while (ps->p < ps->end && *ps->p == '|') {
		ps->p++;
		if ((b = re_branch(ps)) < 0 ||
		    (a = re_pair(ps, RN_ALT, a, b)) < 0)
			return -1;
	}
	return a;
}

/* Appends one instruction; returns its index or -1 (program too large). */
static long
re_emit(struct re *re, struct re_parse *ps, int op, uint32_t a, uint32_t b)
{
	if (re->nprog >= RE_MAX_PROG) {
		ps->why = "pattern too complex";
		return -1;
	}
	re->prog[re->nprog].op = (uint8_t)op;
	re->prog[re->nprog].a = a;
	re->prog[re->nprog].b = b;
	re->prog[re->nprog].c = 0;
	return (long)re->nprog++;
}

/* Emits the code of node n (Thompson's construction); returns 0 or -1. */
static int
re_gen(struct re_parse *ps, int n)
{
	struct re	*re = ps->re;
	struct re_node	*x = &ps->nodes[n];
	long		 s, j;
	int		 k;

	switch (x->kind) {
	case RN_EMPTY:
		return 0;
	case RN_CHAR:
		if ((s = re_emit(re, ps, RO_CHAR, x->v, utf8_tolower(x->v))) < 0)
			return -1;
		re->prog[s].c = utf8_toupper(x->v);
		return 0;
	case RN_ANY:
		return re_emit(re, ps, RO_ANY, 0, 0) < 0 ? -1 : 0;
	case RN_CLASS:
		return re_emit(re, ps, RO_CLASS, x->v, 0) < 0 ? -1 : 0;
	case RN_BOL:
		return re_emit(re, ps, RO_BOL, 0, 0) < 0 ? -1 : 0;
	case RN_EOL:
		return re_emit(re, ps, RO_EOL, 0, 0) < 0 ? -1 : 0;
	case RN_CAT:
		return re_gen(ps, x->l) != 0 || re_gen(ps, x->r) != 0 ? -1 : 0;
	case RN_ALT:
		/* split L1, L2; L1: l; jmp end; L2: r; end: */
		if ((s = re_emit(re, ps, RO_SPLIT, 0, 0)) < 0)
			return -1;
		re->prog[s].a = (uint32_t)re->nprog;
		if (re_gen(ps, x->l) != 0 ||
		    (j = re_emit(re, ps, RO_JMP, 0, 0)) < 0)
			return -1;
		re->prog[s].b = (uint32_t)re->nprog;
		if (re_gen(ps, x->r) != 0)
			return -1;
		re->prog[j].a = (uint32_t)re->nprog;
		return 0;
	case RN_REP:
		break;
	default:
		ps->why = "internal error";
		return -1;
	}
	for (k = 0; k < x->min; k++)
		if (re_gen(ps, x->l) != 0)
			return -1;
	if (x->max < 0) {
		/* L: split body, end; body; jmp L; end: */
		if ((s = re_emit(re, ps, RO_SPLIT, 0, 0)) < 0)
			return -1;
		re->prog[s].a = (uint32_t)re->nprog;
		if (re_gen(ps, x->l) != 0 ||
		    re_emit(re, ps, RO_JMP, (uint32_t)s, 0) < 0)
			return -1;
		re->prog[s].b = (uint32_t)re->nprog;
		return 0;
	}
	/*
	 * Each optional copy: split body, end.  Until end is known, each
	 * split's second target holds the previous split (a chain; the
	 * first holds UINT32_MAX).
	 */
	j = -1;
	for (k = x->min; k < x->max; k++) {
		if ((s = re_emit(re, ps, RO_SPLIT, 0, 0)) < 0)
			return -1;
		re->prog[s].a = (uint32_t)re->nprog;
		re->prog[s].b = j < 0 ? UINT32_MAX : (uint32_t)j;
		j = s;
		if (re_gen(ps, x->l) != 0)
			return -1;
	}
	while (j >= 0) {
		s = re->prog[j].b == UINT32_MAX ? -1 : (long)re->prog[j].b;
		re->prog[j].b = (uint32_t)re->nprog;
		j = s;
	}
	return 0;
}

void
re_free(struct re *re)
{
	if (re == NULL)
		return;
	free(re->prog);
	free(re->items);
	free(re->cls);
	free(re);
}

enum usercgi_err
re_compile(const char *pat, size_t len, unsigned flags, struct re **out,
    const char **why)
{
	struct re_parse		 ps;
	struct re		*re = NULL;
	enum usercgi_err	 err = USERCGI_BAD_PATTERN;
	int			 root;

	*out = NULL;
	*why = NULL;
	memset(&ps, 0, sizeof(ps));
	if (len > RE_MAX_PATTERN) {
		*why = "pattern too long";
		goto out;
	}
	ps.maxnodes = 3 * len + 8;
	ps.maxitems = len + 1;
	ps.maxcls = len + 1;
	/* Not zeroed: every entry is written before it is read. */
	if ((re = xcalloc(1, sizeof(*re))) == NULL ||
	    (re->prog = xreallocarray(NULL, RE_MAX_PROG,
	    sizeof(*re->prog))) == NULL ||
	    (re->items = xreallocarray(NULL, ps.maxitems,
	    sizeof(*re->items))) == NULL ||
	    (re->cls = xreallocarray(NULL, ps.maxcls,
	    sizeof(*re->cls))) == NULL ||
	    (ps.nodes = xreallocarray(NULL, ps.maxnodes,
	    sizeof(*ps.nodes))) == NULL) {
		err = USERCGI_NOMEM;
		goto out;
	}
	re->flags = flags;
	ps.p = pat;
	ps.end = pat + len;
	ps.flags = flags;
	ps.re = re;
	if ((root = re_alt(&ps)) < 0)
		goto fail;
	if (ps.p < ps.end) {
		ps.why = "parentheses () not balanced";
		goto fail;
	}
	if ((flags & RE_SIMILAR) != 0) {
		int	bol, eol;

		if ((bol = re_node(&ps, RN_BOL)) < 0 ||
		    (eol = re_node(&ps, RN_EOL)) < 0 ||
		    (root = re_pair(&ps, RN_CAT, bol, root)) < 0 ||
		    (root = re_pair(&ps, RN_CAT, root, eol)) < 0)
			goto fail;
	}
	if (re_gen(&ps, root) != 0 ||
	    re_emit(re, &ps, RO_MATCH, 0, 0) < 0)
		goto fail;
	*out = re;
	re = NULL;
	err = USERCGI_OK;
	goto out;
fail:
	*why = ps.why != NULL ? ps.why : "invalid regular expression";
out:
	free(ps.nodes);
	re_free(re);
	return err;
}

/* The text's character at i: sets *cp (an invalid byte b is 0x110000 + b); returns its length. */
static size_t
re_textc(const char *t, size_t len, size_t i, uint32_t *cp)
{
	size_t	n;

	if ((n = utf8_decode(t + i, len - i, cp)) == 0) {
		*cp = 0x110000u + (unsigned char)t[i];
		n = 1;
	}
	return n;
}

/* Returns 1 when c is in class k (not considering case). */
static int
re_in_class(const struct re *re, const struct re_class *k, uint32_t c)
{
	const struct re_item	*it;
	size_t			 i;
	int			 in = 0;

	for (i = 0; i < k->n && !in; i++) {
		it = &re->items[k->first + i];
		if (it->ctype >= 0)
			in = utf8_is(c, (enum utf8_class)it->ctype) != it->neg;
		else
			in = c >= it->lo && c <= it->hi;
	}
	return in;
}

/* The text character with its case mappings (when case-insensitive). */
struct re_tc {
	uint32_t	c, lo, up;
};

static int
re_step_ok(const struct re *re, const struct re_inst *in,
    const struct re_tc *t)
{
	const struct re_class	*k;
	int			 icase = (re->flags & RE_ICASE) != 0, m;

	switch (in->op) {
	case RO_ANY:
		return 1;
	case RO_CHAR:
		if (t->c == in->a)
			return 1;
		return icase && (t->lo == in->b || t->up == in->c);
	case RO_CLASS:
		k = &re->cls[in->a];
		m = re_in_class(re, k, t->c) || (icase && (re_in_class(re, k,
		    t->lo) || re_in_class(re, k, t->up)));
		return m != k->neg;
	}
	return 0;
}

/* State lists of re_match. */
struct re_list {
	uint16_t	pc[RE_MAX_PROG];
	size_t		n;
};

/*
 * Adds pc and everything reachable from it through SPLIT, JMP and
 * assertions that hold at position i of len, each once (mark[pc] ==
 * gen), to l.  The explicit stack holds at most one entry per pc.
 */
static void
re_add(const struct re *re, struct re_list *l, uint32_t *mark, uint32_t gen,
    uint32_t pc0, size_t i, size_t len)
{
	uint16_t		 stack[RE_MAX_PROG];
	size_t			 sp = 0;
	uint32_t		 pc;
	const struct re_inst	*in;

	if (mark[pc0] == gen)
		return;
	mark[pc0] = gen;
	stack[sp++] = (uint16_t)pc0;
	while (sp > 0) {
		pc = stack[--sp];
		in = &re->prog[pc];
		switch (in->op) {
		case RO_JMP:
		case RO_SPLIT:
			if (in->op == RO_SPLIT && mark[in->b] != gen) {
				mark[in->b] = gen;
				stack[sp++] = (uint16_t)in->b;
			}
			if (mark[in->a] != gen) {
				mark[in->a] = gen;
				stack[sp++] = (uint16_t)in->a;
			}
			break;
		case RO_BOL:
		case RO_EOL:
			if ((in->op == RO_BOL ? i == 0 : i == len) &&
			    mark[pc + 1] != gen) {
				mark[pc + 1] = gen;
				stack[sp++] = (uint16_t)(pc + 1);
			}
			break;
		default:
			l->pc[l->n++] = (uint16_t)pc;
		}
	}
}

int
re_match(const struct re *re, const char *text, size_t len)
{
	struct re_list	 lists[2], *cl = &lists[0], *nl = &lists[1], *tmp;
	uint32_t	 mark[RE_MAX_PROG];
	uint32_t	 gen = 1;
	struct re_tc	 tc;
	size_t		 i = 0, n, k;
	int		 search = (re->flags & RE_SIMILAR) == 0;
	int		 icase = (re->flags & RE_ICASE) != 0;

	memset(mark, 0, sizeof(uint32_t) * re->nprog);
	cl->n = nl->n = 0;
	re_add(re, cl, mark, gen, 0, 0, len);
	for (;;) {
		for (k = 0; k < cl->n; k++)
			if (re->prog[cl->pc[k]].op == RO_MATCH)
				return 1;
		if (i >= len || (cl->n == 0 && !search))
			return 0;
		n = re_textc(text, len, i, &tc.c);
		if (icase) {
			tc.lo = utf8_tolower(tc.c);
			tc.up = utf8_toupper(tc.c);
		}
		gen++;
		nl->n = 0;
		for (k = 0; k < cl->n; k++) {
			const struct re_inst *in = &re->prog[cl->pc[k]];

			if (re_step_ok(re, in, &tc))
				re_add(re, nl, mark, gen, cl->pc[k] + 1,
				    i + n, len);
		}
		i += n;
		if (search)
			re_add(re, nl, mark, gen, 0, i, len);
		tmp = cl;
		cl = nl;
		nl = tmp;
	}
}

int
re_like_valid(const char *pat, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (pat[i] == '\\' && ++i >= len)
			return 0;
	return 1;
}

/* Length of the character at s (1 for a byte that is not valid UTF-8). */
static size_t
re_clen(const char *s, size_t len)
{
	uint32_t	cp;
	size_t		n;

	return (n = utf8_decode(s, len, &cp)) == 0 ? 1 : n;
}

/*
 * Wildcard matching with one saved "%" position: on a mismatch the
 * latest "%" takes one more character and matching resumes after it.
 * Resuming after the latest "%" is enough (what an earlier "%" could
 * absorb, the latest one can), so each text position is retried at most
 * once per pattern position: O(pattern x text).
 */
int
re_like_match(const char *pat, size_t plen, const char *text, size_t tlen)
{
	size_t	p = 0, t = 0, sp = 0, st = 0, pn, tn;
	int	star = 0;

	while (t < tlen) {
		if (p < plen && pat[p] == '%') {
			while (p < plen && pat[p] == '%')
				p++;
			star = 1;
			sp = p;
			st = t;
			continue;
		}
		tn = re_clen(text + t, tlen - t);
		if (p < plen && pat[p] == '_') {
			p++;
			t += tn;
			continue;
		}
		if (p < plen) {
			size_t	q = p;

			if (pat[q] == '\\' && q + 1 < plen)
				q++;
			pn = re_clen(pat + q, plen - q);
			if (pn == tn && memcmp(pat + q, text + t, tn) == 0) {
				p = q + pn;
				t += tn;
				continue;
			}
		}
		if (!star)
			return 0;
		st += re_clen(text + st, tlen - st);
		t = st;
		p = sp;
	}
	while (p < plen && pat[p] == '%')
		p++;
	return p == plen;
}

size_t
re_like_prefix(const char *pat, size_t len, char *out)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++) {
		if (pat[i] == '%' || pat[i] == '_')
			break;
		if (pat[i] == '\\' && i + 1 < len)
			i++;
		out[n++] = pat[i];
	}
	return n;
}
