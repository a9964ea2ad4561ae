/*
 * zod.c: zod-compatible validation issues (zod.h), checked against zod
 * 3.24.3, the version Logto's core uses, and Logto's formatZodError.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "zod.h"

static const char zod_ellipsis[] = "\xe2\x80\xa6";	/* U+2026 */

void
zod_init(struct zod *z, const struct buf *data, struct buf *details)
{
	memset(z, 0, sizeof(*z));
	buf_init(&z->iss, data->max);
	z->details = details;
}

int
zod_ok(struct zod *z, enum usercgi_err rc)
{
	if (rc != USERCGI_OK && z->err == USERCGI_OK)
		z->err = rc;
	return z->err == USERCGI_OK;
}

enum usercgi_err
zod_finish(struct zod *z, struct buf *data)
{
	enum usercgi_err	rc = z->err;

	if (rc == USERCGI_OK && z->nissues > 0) {
		if ((rc = buf_addstr(data, "{\"issues\":[")) == USERCGI_OK &&
		    (rc = buf_add(data, buf_str(&z->iss), z->iss.len)) ==
		    USERCGI_OK &&
		    (rc = buf_addstr(data, "],\"name\":\"ZodError\"}")) ==
		    USERCGI_OK)
			rc = USERCGI_GUARD;
	}
	buf_free(&z->iss);
	return rc;
}

struct zod_path
zod_path1(const char *a)
{
	struct zod_path	p = { { a, NULL, NULL }, 1 };

	return p;
}

struct zod_path
zod_path2(const char *a, const char *b)
{
	struct zod_path	p = { { a, b, NULL }, 2 };

	return p;
}

const char *
zod_type_name(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "boolean";
	case json_type_int:
	case json_type_double:
		return "number";
	case json_type_string:
		return "string";
	case json_type_array:
		return "array";
	case json_type_object:
		return "object";
	}
	return "unknown";
}

void
zod_begin(struct zod *z, struct buf *b)
{
	if (b->len > 0)
		(void)zod_ok(z, buf_addc(b, ','));
}

void
zod_path_json(struct zod *z, struct buf *b, const struct zod_path *p)
{
	int	i;

	if (!zod_ok(z, buf_addc(b, '[')))
		return;
	for (i = 0; i < p->n; i++) {
		if (i > 0 && !zod_ok(z, buf_addc(b, ',')))
			return;
		if (!zod_ok(z, jsonw_str(b, p->k[i], strlen(p->k[i]))))
			return;
	}
	(void)zod_ok(z, buf_addc(b, ']'));
}

/*
 * Appends n bytes of s to the details text.  Past its maximum the text
 * is cut instead (a client mistake keeps its 400): at a code point
 * boundary, ending in U+2026, and nothing more is added.
 */
static void
zod_detail_add(struct zod *z, const char *s, size_t n)
{
	struct buf	*d = z->details;
	size_t		 keep = sizeof(zod_ellipsis) - 1, room;

	if (z->cut || d->max < keep || d->len > d->max - keep)
		return;
	room = d->max - keep - d->len;
	if (n <= room) {
		(void)zod_ok(z, buf_add(d, s, n));
		return;
	}
	z->cut = 1;
	while (room > 0 && ((unsigned char)s[room] & 0xc0) == 0x80)
		room--;
	if (zod_ok(z, buf_add(d, s, room)))
		(void)zod_ok(z, buf_add(d, zod_ellipsis, keep));
}

void
zod_detail(struct zod *z, const struct zod_path *p, const char *code,
    const char *text)
{
	struct buf	line;
	int		i;

	z->nissues++;
	buf_init(&line, z->iss.max);
	if (z->details->len > 0 && !zod_ok(z, buf_addc(&line, '\n')))
		goto out;
	if (!zod_ok(z, buf_addstr(&line, "Error in key path \"")))
		goto out;
	for (i = 0; i < p->n; i++)
		if (!zod_ok(z, buf_printf(&line, "%s%s", i > 0 ? "." : "",
		    p->k[i])))
			goto out;
	if (zod_ok(z, buf_printf(&line, "\": (%s) %s", code, text)))
		zod_detail_add(z, buf_str(&line), line.len);
out:
	buf_free(&line);
}

/* The invalid_type object alone, into b (no details line). */
static void
zod_type_json(struct zod *z, struct buf *b, const struct zod_path *p,
    const char *expected, const char *received)
{
	zod_begin(z, b);
	if (!zod_ok(z, buf_printf(b, "{\"code\":\"invalid_type\",\"expected\":"
	    "\"%s\",\"received\":\"%s\",\"path\":", expected, received)))
		return;
	zod_path_json(z, b, p);
	if (strcmp(received, "undefined") == 0)
		(void)zod_ok(z, buf_addstr(b, ",\"message\":\"Required\"}"));
	else
		(void)zod_ok(z, buf_printf(b, ",\"message\":\"Expected %s, "
		    "received %s\"}", expected, received));
}

void
zod_invalid_type(struct zod *z, const struct zod_path *p,
    const char *expected, const char *received)
{
	char	text[128];

	zod_type_json(z, &z->iss, p, expected, received);
	(void)snprintf(text, sizeof(text), "Expected %s but received %s.",
	    expected, received);
	zod_detail(z, p, "invalid_type", text);
}

void
zod_invalid_string(struct zod *z, const struct zod_path *p,
    const char *validation, const char *message)
{
	zod_begin(z, &z->iss);
	if (!zod_ok(z, buf_printf(&z->iss, "{\"validation\":\"%s\",\"code\":"
	    "\"invalid_string\",\"message\":\"%s\",\"path\":", validation,
	    message)))
		return;
	zod_path_json(z, &z->iss, p);
	(void)zod_ok(z, buf_addc(&z->iss, '}'));
	zod_detail(z, p, "invalid_string", message);
}

void
zod_size(struct zod *z, const struct zod_path *p, int big, int limit)
{
	char	msg[96];

	(void)snprintf(msg, sizeof(msg), "String must contain at %s %d "
	    "character(s)", big ? "most" : "least", limit);
	zod_begin(z, &z->iss);
	if (!zod_ok(z, buf_printf(&z->iss, "{\"code\":\"%s\",\"%s\":%d,"
	    "\"type\":\"string\",\"inclusive\":true,\"exact\":false,"
	    "\"message\":\"%s\",\"path\":", big ? "too_big" : "too_small",
	    big ? "maximum" : "minimum", limit, msg)))
		return;
	zod_path_json(z, &z->iss, p);
	(void)zod_ok(z, buf_addc(&z->iss, '}'));
	zod_detail(z, p, big ? "too_big" : "too_small", msg);
}

void
zod_nul(struct zod *z, const struct zod_path *p)
{
	static const char	msg[] = "String must not contain NUL characters";

	zod_begin(z, &z->iss);
	if (!zod_ok(z, buf_printf(&z->iss, "{\"code\":\"custom\",\"message\":"
	    "\"%s\",\"path\":", msg)))
		return;
	zod_path_json(z, &z->iss, p);
	(void)zod_ok(z, buf_addc(&z->iss, '}'));
	zod_detail(z, p, "custom", msg);
}

void
zod_union_literal(struct zod *z, const struct zod_path *p,
    const char *expected, struct json_object *v)
{
	struct buf	first;

	buf_init(&first, z->iss.max);
	zod_type_json(z, &first, p, expected, zod_type_name(v));
	zod_begin(z, &z->iss);
	if (!zod_ok(z, buf_addstr(&z->iss, "{\"code\":\"invalid_union\","
	    "\"unionErrors\":[{\"issues\":[")) ||
	    !zod_ok(z, buf_add(&z->iss, buf_str(&first), first.len)) ||
	    !zod_ok(z, buf_addstr(&z->iss, "],\"name\":\"ZodError\"},"
	    "{\"issues\":[{\"received\":")) ||
	    !zod_ok(z, jsonw_value(&z->iss, v)) ||
	    !zod_ok(z, buf_addstr(&z->iss, ",\"code\":\"invalid_literal\","
	    "\"expected\":\"\",\"path\":")))
		goto out;
	zod_path_json(z, &z->iss, p);
	if (!zod_ok(z, buf_addstr(&z->iss, ",\"message\":\"Invalid literal "
	    "value, expected \\\"\\\"\"}],\"name\":\"ZodError\"}],\"path\":")))
		goto out;
	zod_path_json(z, &z->iss, p);
	if (!zod_ok(z, buf_addstr(&z->iss, ",\"message\":\"Invalid input\"}")))
		goto out;
	zod_detail(z, p, "invalid_union", "Invalid input");
out:
	buf_free(&first);
}

void
zod_dup(struct zod *z, char **dst, const char *s, size_t n)
{
	if (z->err == USERCGI_OK && (*dst = xstrndup(s, n)) == NULL)
		z->err = USERCGI_NOMEM;
}
