/*
 * form.c: application/x-www-form-urlencoded bodies (form.h).
 *
 * Two passes, as qs does: first the parameters are split, decoded and
 * grouped by key (a repeated key collects its values into an array, in
 * order); then each key is cut into segments ("a[b][]" -> a, b, append)
 * and the value, wrapped in those segments, is merged into the result
 * with qs's merge rules.  Array positions may leave gaps while merging
 * ("a[5]=x" is [,,,,,x]); json-c keeps a gap as a NULL element (no value
 * here is ever JSON null) and the last step closes them up.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "form.h"
#include "json.h"
#include "utf8.h"

enum form_seg_kind {
	SEG_KEY,	/* object member: "a", "[a]" or ".a" */
	SEG_APPEND,	/* "[]" */
	SEG_INDEX,	/* "[0]" .. "[19]" */
	SEG_BIG_INDEX	/* "[20]" and up: an object member, as in qs */
};

struct form_seg {
	enum form_seg_kind	 kind;
	const char		*s;	/* SEG_KEY: the name, not NUL-terminated */
	size_t			 n;
	size_t			 idx;	/* SEG_INDEX */
};

/* One distinct decoded key and its value: a string, or an array of strings. */
struct form_param {
	char			*key;	/* NUL-terminated, no NUL inside */
	size_t			 keylen;
	struct json_object	*val;
};

/* The own properties of JavaScript's Object.prototype: qs drops such keys. */
static const char *const form_proto_names[] = {
	"__proto__", "constructor", "__defineGetter__", "__defineSetter__",
	"hasOwnProperty", "__lookupGetter__", "__lookupSetter__",
	"isPrototypeOf", "propertyIsEnumerable", "toString", "valueOf",
	"toLocaleString",
};

static void
form_msg(char *msg, size_t msglen, const char *text)
{
	if (msg != NULL && msglen > 0)
		snprintf(msg, msglen, "%s", text);
}

/*
 * Decodes n bytes at s ("+" is a space, %XX a byte) into out, which the
 * caller initialised and frees.  Returns USERCGI_OK (out holds valid
 * UTF-8), USERCGI_BADREQ (malformed escape, not UTF-8; msg set) or
 * USERCGI_NOMEM.
 */
static enum usercgi_err
form_decode(const char *s, size_t n, struct buf *out, char *msg,
    size_t msglen)
{
	enum usercgi_err	 e = USERCGI_OK;
	size_t			 i;
	int			 hi, lo;
	char			 c;

	for (i = 0; i < n && e == USERCGI_OK; i++) {
		c = s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (n - i < 3 || (hi = hex_value(s[i + 1])) < 0 ||
			    (lo = hex_value(s[i + 2])) < 0) {
				form_msg(msg, msglen, "Malformed percent-encoding "
				    "in the form body: \"%\" must be followed by "
				    "two hex digits.");
				e = USERCGI_BADREQ;
				goto out;
			}
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		e = buf_addc(out, c);
	}
	if (e != USERCGI_OK) {
		e = USERCGI_NOMEM;
		goto out;
	}
	if (!utf8_valid(buf_str(out), out->len)) {
		form_msg(msg, msglen, "The form body is not valid UTF-8 "
		    "after percent-decoding.");
		e = USERCGI_BADREQ;
	}
out:
	return e;
}

/* Returns 1 if the n bytes at s name a member of Object.prototype. */
static int
form_is_proto(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < sizeof(form_proto_names) / sizeof(form_proto_names[0]);
	    i++)
		if (strlen(form_proto_names[i]) == n &&
		    memcmp(form_proto_names[i], s, n) == 0)
			return 1;
	return 0;
}

/*
 * qs's allowDots: every "." followed by one or more bytes that are
 * neither "." nor "[" becomes a bracket group (".b" -> "[b]").  Returns a
 * new NUL-terminated string (caller frees) with its length in *outn, or
 * NULL on allocation failure.
 */
static char *
form_dots(const char *key, size_t n, size_t *outn)
{
	char	*r;
	size_t	 i, j, o = 0;

	if ((r = xmalloc(2 * n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (key[i] != '.') {
			r[o++] = key[i];
			continue;
		}
		for (j = i + 1; j < n && key[j] != '.' && key[j] != '['; j++)
			continue;
		if (j == i + 1) {
			r[o++] = '.';
			continue;
		}
		r[o++] = '[';
		memcpy(r + o, key + i + 1, j - i - 1);
		o += j - i - 1;
		r[o++] = ']';
		i = j - 1;
	}
	r[o] = '\0';
	*outn = o;
	return r;
}

/* A canonical decimal of any length (qs: String(parseInt(s)) === s). */
static int
form_is_decimal(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || n > 15 || (n > 1 && s[0] == '0'))
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Classifies the content of one bracket group (without the brackets). */
static void
form_classify(const char *s, size_t n, struct form_seg *seg)
{
	size_t	i, v = 0;

	seg->s = s;
	seg->n = n;
	seg->kind = SEG_KEY;
	if (n == 0) {
		seg->kind = SEG_APPEND;
		return;
	}
	/*
	 * qs: an array index is a canonical decimal below arrayLimit; a
	 * larger one makes an object whose member name is the number.
	 */
	if (!form_is_decimal(s, n))
		return;
	for (i = 0; i < n; i++)
		v = v * 10 + (size_t)(s[i] - '0');
	if (v < FORM_MAX_ARRAY) {
		seg->kind = SEG_INDEX;
		seg->idx = v;
	} else
		seg->kind = SEG_BIG_INDEX;
}


/*
 * Cuts key (after form_dots) into at most 1 + FORM_MAX_DEPTH segments:
 * the part before the first "[", then balanced bracket groups.  Returns
 * USERCGI_OK with *nsegs set (0 when qs would drop the parameter: a
 * segment names an Object.prototype member), or USERCGI_BADREQ.
 */
static enum usercgi_err
form_segments(const char *key, size_t n, struct form_seg *segs,
    size_t *nsegs, char *msg, size_t msglen)
{
	const char	*open;
	size_t		 ns = 0, pos, i, level;

	*nsegs = 0;
	open = memchr(key, '[', n);
	pos = open == NULL ? n : (size_t)(open - key);
	if (pos > 0) {
		if (form_is_proto(key, pos))
			return USERCGI_OK;
		segs[ns].kind = SEG_KEY;
		segs[ns].s = key;
		segs[ns].n = pos;
		ns++;
	}
	while (pos < n) {
		if (ns == 1 + FORM_MAX_DEPTH) {
			form_msg(msg, msglen, "A form key is nested too "
			    "deeply (at most 5 levels of [] or . below the "
			    "top).");
			return USERCGI_BADREQ;
		}
		/* key[pos] is "["; find the "]" that balances it. */
		for (level = 1, i = pos + 1; i < n; i++) {
			if (key[i] == '[')
				level++;
			else if (key[i] == ']' && --level == 0)
				break;
		}
		if (i == n) {
			form_msg(msg, msglen, "A form key has a \"[\" "
			    "without its \"]\".");
			return USERCGI_BADREQ;
		}
		if (form_is_proto(key + pos + 1, i - pos - 1))
			return USERCGI_OK;
		form_classify(key + pos + 1, i - pos - 1, &segs[ns++]);
		pos = i + 1;
		if (pos < n && key[pos] != '[') {
			form_msg(msg, msglen, "A form key has text after "
			    "a \"]\".");
			return USERCGI_BADREQ;
		}
	}
	*nsegs = ns;
	return USERCGI_OK;
}

/* Returns 1 for the JSON types JavaScript calls "object" here. */
static int
form_is_container(struct json_object *v)
{
	return json_object_is_type(v, json_type_object) ||
	    json_object_is_type(v, json_type_array);
}

/*
 * Appends v to array a, taking over the caller's reference to v (also on
 * failure).  Returns USERCGI_OK, USERCGI_BADREQ (array full) or
 * USERCGI_NOMEM.
 */
static enum usercgi_err
form_push(struct json_object *a, struct json_object *v, char *msg,
    size_t msglen)
{
	if (json_object_array_length(a) >= FORM_MAX_ARRAY) {
		json_object_put(v);
		form_msg(msg, msglen, "Too many values for one form key "
		    "(at most 20).");
		return USERCGI_BADREQ;
	}
	if (json_object_array_add(a, v) != 0) {
		json_object_put(v);
		return USERCGI_NOMEM;
	}
	return USERCGI_OK;
}

/*
 * Stores v at position i of array a (which may grow, leaving gaps),
 * taking over the caller's reference to v.  Returns USERCGI_OK or
 * USERCGI_NOMEM.
 */
static enum usercgi_err
form_put_idx(struct json_object *a, size_t i, struct json_object *v)
{
	if (json_object_array_put_idx(a, i, v) != 0) {
		json_object_put(v);
		return USERCGI_NOMEM;
	}
	return USERCGI_OK;
}

static enum usercgi_err form_merge(struct json_object **, struct json_object *,
	    char *, size_t);

/*
 * Merges member (or array element) name of src, v, into object acc:
 * merged with the existing member, or added.  Takes a reference to v.
 */
static enum usercgi_err
form_merge_member(struct json_object *acc, const char *name,
    struct json_object *v, char *msg, size_t msglen)
{
	struct json_object	*cur = NULL;
	enum usercgi_err	 e;

	json_object_get(v);
	if (json_object_object_get_ex(acc, name, &cur) && cur != NULL) {
		json_object_get(cur);
		e = form_merge(&cur, v, msg, msglen);
	} else {
		cur = v;
		e = USERCGI_OK;
	}
	/* Whatever happened, cur is one reference the member takes over. */
	if (json_object_object_add(acc, name, cur) != 0) {
		json_object_put(cur);
		e = USERCGI_NOMEM;
	}
	return e;
}

/*
 * qs's merge of an array or object src into object acc: member by
 * member (array elements by their index as a name).  Does not take src.
 */
static enum usercgi_err
form_merge_keys(struct json_object *acc, struct json_object *src, char *msg,
    size_t msglen)
{
	struct json_object	*v;
	enum usercgi_err	 e = USERCGI_OK;
	size_t			 i, n;
	char			 name[32];

	if (json_object_is_type(src, json_type_object)) {
		json_object_object_foreach(src, k, val) {
			if ((e = form_merge_member(acc, k, val, msg,
			    msglen)) != USERCGI_OK)
				goto out;
		}
		goto out;
	}
	n = json_object_array_length(src);
	for (i = 0; i < n; i++) {
		if ((v = json_object_array_get_idx(src, i)) == NULL)
			continue;
		snprintf(name, sizeof(name), "%zu", i);
		if ((e = form_merge_member(acc, name, v, msg, msglen)) !=
		    USERCGI_OK)
			goto out;
	}
out:
	return e;
}

/*
 * qs's merge of two arrays: position by position; where both hold a
 * container they are merged, where the target holds something else the
 * element is appended.  Does not take src.
 */
static enum usercgi_err
form_merge_arrays(struct json_object *t, struct json_object *src, char *msg,
    size_t msglen)
{
	struct json_object	*item, *cur;
	enum usercgi_err	 e = USERCGI_OK;
	size_t			 i, n;

	n = json_object_array_length(src);
	for (i = 0; i < n; i++) {
		if ((item = json_object_array_get_idx(src, i)) == NULL)
			continue;
		json_object_get(item);
		cur = i < json_object_array_length(t) ?
		    json_object_array_get_idx(t, i) : NULL;
		if (cur == NULL)
			e = form_put_idx(t, i, item);
		else if (form_is_container(cur) && form_is_container(item)) {
			json_object_get(cur);
			e = form_merge(&cur, item, msg, msglen);
			if (form_put_idx(t, i, cur) != USERCGI_OK)
				e = USERCGI_NOMEM;
		} else
			e = form_push(t, item, msg, msglen);
		if (e != USERCGI_OK)
			goto out;
	}
out:
	return e;
}

/*
 * qs's utils.merge(target, source) with strictMerge.  The caller owns one
 * reference to *target and one to src; afterwards (also on failure) it
 * owns one reference to *target, which may be a new value, and none to
 * src.  Returns USERCGI_OK, USERCGI_BADREQ (array over its limit; msg
 * set) or USERCGI_NOMEM.
 */
static enum usercgi_err
form_merge(struct json_object **target, struct json_object *src, char *msg,
    size_t msglen)
{
	struct json_object	*t = *target, *r = NULL, *v;
	enum usercgi_err	 e = USERCGI_NOMEM;
	size_t			 i, n;
	char			 name[32];

	/* qs: a falsy source (the empty string) leaves the target as it is. */
	if (json_object_is_type(src, json_type_string) &&
	    json_object_get_string_len(src) == 0) {
		e = USERCGI_OK;
		goto out;
	}
	if (json_object_is_type(t, json_type_array) &&
	    !form_is_container(src)) {
		e = form_push(t, src, msg, msglen);
		src = NULL;
		goto out;
	}
	if (!form_is_container(src) || !form_is_container(t)) {
		/* [target].concat(source): a string meets anything else. */
		if ((r = json_object_new_array()) == NULL)
			goto out;
		if (json_object_array_add(r, t) != 0)
			goto out;
		*target = r;
		r = NULL;
		if (!json_object_is_type(src, json_type_array)) {
			e = form_push(*target, src, msg, msglen);
			src = NULL;
			goto out;
		}
		n = json_object_array_length(src);
		for (i = 0; i < n; i++) {
			if ((v = json_object_array_get_idx(src, i)) == NULL)
				continue;
			if (i + 1 >= FORM_MAX_ARRAY) {
				form_msg(msg, msglen, "Too many values for "
				    "one form key (at most 20).");
				e = USERCGI_BADREQ;
				goto out;
			}
			json_object_get(v);
			if ((e = form_put_idx(*target, i + 1, v)) !=
			    USERCGI_OK)
				goto out;
		}
		e = USERCGI_OK;
		goto out;
	}
	if (json_object_is_type(t, json_type_array) &&
	    json_object_is_type(src, json_type_array)) {
		e = form_merge_arrays(t, src, msg, msglen);
		goto out;
	}
	if (json_object_is_type(t, json_type_array)) {
		/* An array meeting an object becomes an object by index. */
		if ((r = json_object_new_object()) == NULL)
			goto out;
		n = json_object_array_length(t);
		for (i = 0; i < n; i++) {
			if ((v = json_object_array_get_idx(t, i)) == NULL)
				continue;
			snprintf(name, sizeof(name), "%zu", i);
			if (json_object_object_add(r, name,
			    json_object_get(v)) != 0) {
				json_object_put(v);
				goto out;
			}
		}
		json_object_put(t);
		*target = t = r;
		r = NULL;
	}
	e = form_merge_keys(t, src, msg, msglen);
out:
	json_object_put(r);
	json_object_put(src);
	return e;
}

/*
 * Wraps leaf in the segments, innermost last, as qs's parseObject does.
 * Takes over the caller's reference to leaf.  Returns USERCGI_OK with
 * *out set (caller owns it) or USERCGI_NOMEM.
 */
static enum usercgi_err
form_wrap(const struct form_seg *segs, size_t nsegs, struct json_object *leaf,
    struct json_object **out)
{
	struct json_object	*obj = NULL;
	enum usercgi_err	 e = USERCGI_NOMEM;
	char			*name = NULL;
	size_t			 i;

	*out = NULL;
	for (i = nsegs; i-- > 0; leaf = obj) {
		obj = NULL;
		switch (segs[i].kind) {
		case SEG_APPEND:
			/*
			 * [].concat(leaf): an array leaf is used as it is,
			 * and so is qs's "overflow" object made by "[20]".
			 */
			if (json_object_is_type(leaf, json_type_array) ||
			    (i + 1 < nsegs &&
			    segs[i + 1].kind == SEG_BIG_INDEX)) {
				obj = leaf;
				continue;
			}
			if ((obj = json_object_new_array()) == NULL ||
			    json_object_array_add(obj, leaf) != 0)
				goto out;
			break;
		case SEG_INDEX:
			if ((obj = json_object_new_array()) == NULL ||
			    json_object_array_put_idx(obj, segs[i].idx,
			    leaf) != 0)
				goto out;
			break;
		case SEG_KEY:
		case SEG_BIG_INDEX:
			if ((obj = json_object_new_object()) == NULL ||
			    (name = xstrndup(segs[i].s, segs[i].n)) == NULL ||
			    json_object_object_add(obj, name, leaf) != 0)
				goto out;
			free(name);
			name = NULL;
			break;
		}
	}
	*out = leaf;
	leaf = obj = NULL;
	e = USERCGI_OK;
out:
	free(name);
	json_object_put(obj);
	json_object_put(leaf);
	return e;
}

/* Closes the gaps of every array in v (qs's compact). */
static void
form_compact(struct json_object *v)
{
	struct json_object	*el;
	size_t			 i;

	if (json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, k, val) {
			(void)k;
			form_compact(val);
		}
	} else if (json_object_is_type(v, json_type_array)) {
		for (i = json_object_array_length(v); i-- > 0;) {
			if ((el = json_object_array_get_idx(v, i)) == NULL)
				json_object_array_del_idx(v, i, 1);
			else
				form_compact(el);
		}
	}
}

/*
 * Adds the value (vlen bytes at v) under key to the parameter list: a
 * new entry, or one more value of a repeated key.  Takes over key.
 */
static enum usercgi_err
form_add_param(struct form_param *params, size_t *nparams, char *key,
    size_t keylen, const char *v, size_t vlen, char *msg, size_t msglen)
{
	struct form_param	*p = NULL;
	struct json_object	*s, *a;
	enum usercgi_err	 e = USERCGI_NOMEM;
	size_t			 i;

	if ((s = json_object_new_string_len(v, (int)vlen)) == NULL)
		goto out;
	for (i = 0; i < *nparams; i++)
		if (params[i].keylen == keylen &&
		    memcmp(params[i].key, key, keylen) == 0) {
			p = &params[i];
			break;
		}
	if (p == NULL) {
		p = &params[(*nparams)++];
		p->key = key;
		p->keylen = keylen;
		p->val = s;
		return USERCGI_OK;
	}
	if (!json_object_is_type(p->val, json_type_array)) {
		if ((a = json_object_new_array()) == NULL)
			goto out;
		if (json_object_array_add(a, p->val) != 0) {
			json_object_put(a);
			goto out;
		}
		p->val = a;
	}
	e = form_push(p->val, s, msg, msglen);
	s = NULL;
out:
	json_object_put(s);
	free(key);
	return e;
}

/*
 * Pass one: splits the body (with %5B/%5D already turned into brackets)
 * into parameters, decodes them and groups them by key.
 */
static enum usercgi_err
form_collect(const char *body, size_t len, struct form_param *params,
    size_t *nparams, char *msg, size_t msglen)
{
	struct buf		 kb, vb;
	enum usercgi_err	 e = USERCGI_OK;
	const char		*part, *end, *eq;
	size_t			 start, plen, keylen, i;

	buf_init(&kb, len);
	buf_init(&vb, len);
	for (start = 0; start <= len; start += plen + 1) {
		part = body + start;
		end = memchr(part, '&', len - start);
		if (end == NULL)
			end = body + len;
		plen = (size_t)(end - part);
		if (plen == 0)
			continue;
		/* qs: split at "]=" when there is one, else at the first "=". */
		eq = NULL;
		for (i = 0; i + 1 < plen && eq == NULL; i++)
			if (part[i] == ']' && part[i + 1] == '=')
				eq = part + i + 1;
		if (eq == NULL)
			eq = memchr(part, '=', plen);
		buf_reset(&kb);
		buf_reset(&vb);
		if ((e = form_decode(part, eq == NULL ? plen :
		    (size_t)(eq - part), &kb, msg, msglen)) != USERCGI_OK)
			goto out;
		if (eq != NULL && (e = form_decode(eq + 1,
		    (size_t)(end - eq - 1), &vb, msg, msglen)) != USERCGI_OK)
			goto out;
		if (memchr(buf_str(&kb), '\0', kb.len) != NULL) {
			form_msg(msg, msglen, "A form key contains a NUL "
			    "byte.");
			e = USERCGI_BADREQ;
			goto out;
		}
		if ((keylen = kb.len) == 0)
			continue;
		if ((e = form_add_param(params, nparams, buf_take(&kb), keylen,
		    buf_str(&vb), vb.len, msg, msglen)) != USERCGI_OK)
			goto out;
	}
out:
	buf_free(&kb);
	buf_free(&vb);
	return e;
}

/*
 * Pass two for one parameter: cuts its key into segments, wraps the
 * value in them and merges the result into *root.  Takes p->val.
 */
static enum usercgi_err
form_apply(struct form_param *p, struct json_object **root, char *msg,
    size_t msglen)
{
	struct form_seg		 segs[1 + FORM_MAX_DEPTH];
	struct json_object	*wrapped;
	enum usercgi_err	 e = USERCGI_NOMEM;
	char			*key;
	size_t			 keylen, nsegs;

	if ((key = form_dots(p->key, p->keylen, &keylen)) == NULL)
		goto out;
	if ((e = form_segments(key, keylen, segs, &nsegs, msg, msglen)) !=
	    USERCGI_OK || nsegs == 0)
		goto out;
	e = form_wrap(segs, nsegs, p->val, &wrapped);
	p->val = NULL;
	if (e == USERCGI_OK)
		e = form_merge(root, wrapped, msg, msglen);
out:
	free(key);
	return e;
}

/* The value of a JavaScript array-index key ("0" .. "4294967294"), or -1. */
static long long
form_js_index(const char *s, size_t n)
{
	long long	v = 0;
	size_t		i;

	if (!form_is_decimal(s, n) || n > 10)
		return -1;
	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v <= 4294967294LL ? v : -1;
}

/*
 * Fills order with the order qs walks the parameters in: JavaScript lists
 * an object's array-index keys first, ascending, then the others in the
 * order they were added.
 */
static void
form_order(const struct form_param *params, size_t nparams, size_t *order)
{
	size_t		i, j, k = 0, t;
	long long	v;

	for (i = 0; i < nparams; i++) {
		if ((v = form_js_index(params[i].key, params[i].keylen)) < 0)
			continue;
		/* insertion sort: at most FORM_MAX_PARAMS keys */
		for (j = k++; j > 0 && form_js_index(params[order[j - 1]].key,
		    params[order[j - 1]].keylen) > v; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (i = 0, t = k; i < nparams; i++)
		if (form_js_index(params[i].key, params[i].keylen) < 0)
			order[t++] = i;
}

enum usercgi_err
form_parse(const char *body, size_t len, size_t max_cost,
    struct json_object **out, char *msg, size_t msglen)
{
	struct form_param	*params = NULL;
	struct json_object	*root = NULL;
	enum usercgi_err	 e = USERCGI_NOMEM;
	char			*copy = NULL;
	size_t			*order = NULL;
	size_t			 i, o, nparts = 1, nparams = 0;

	*out = NULL;
	form_msg(msg, msglen, "");
	if (len > INT_MAX) {
		form_msg(msg, msglen, "The form body is too large.");
		e = USERCGI_BADREQ;
		goto out;
	}
	for (i = 0; i < len; i++)
		if (body[i] == '&')
			nparts++;
	if (nparts > FORM_MAX_PARAMS) {
		form_msg(msg, msglen, "Too many form parameters "
		    "(at most 1000).");
		e = USERCGI_BADREQ;
		goto out;
	}
	/* qs reads %5B and %5D as brackets before anything else. */
	if ((copy = xmalloc(len + 1)) == NULL)
		goto out;
	for (i = 0, o = 0; i < len; i++) {
		if (body[i] == '%' && len - i >= 3 && body[i + 1] == '5' &&
		    (body[i + 2] == 'B' || body[i + 2] == 'b' ||
		    body[i + 2] == 'D' || body[i + 2] == 'd')) {
			copy[o++] = body[i + 2] == 'B' || body[i + 2] == 'b' ?
			    '[' : ']';
			i += 2;
		} else
			copy[o++] = body[i];
	}
	if ((params = xcalloc(nparts, sizeof(*params))) == NULL ||
	    (root = json_object_new_object()) == NULL)
		goto out;
	if ((e = form_collect(copy, o, params, &nparams, msg, msglen)) !=
	    USERCGI_OK)
		goto out;
	if ((order = xcalloc(nparams + 1, sizeof(*order))) == NULL)
		goto out;
	form_order(params, nparams, order);
	for (i = 0; i < nparams; i++)
		if ((e = form_apply(&params[order[i]], &root, msg, msglen)) !=
		    USERCGI_OK)
			goto out;
	form_compact(root);
	if (max_cost > 0 && json_cost(root) > max_cost) {
		if (msglen > 0)
			(void)snprintf(msg, msglen, "The request body holds too "
			    "many values: they would take more than %zu KiB of "
			    "memory.", max_cost / 1024);
		e = USERCGI_BADREQ;
		goto out;
	}
	*out = root;
	root = NULL;
	e = USERCGI_OK;
out:
	if (e == USERCGI_NOMEM)
		form_msg(msg, msglen, "Out of memory.");
	for (i = 0; i < nparams; i++) {
		free(params[i].key);
		json_object_put(params[i].val);
	}
	free(params);
	free(order);
	free(copy);
	json_object_put(root);
	return e;
}
