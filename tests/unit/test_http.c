/*
 * test_http.c: request intake and response output (lib/http.c), and the
 * routing of app.c (included, so its static functions can be tested).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "../../lib/app.c"
#include "tap.h"

struct fake {
	const char	*in;
	size_t		 inlen, pos;
	struct buf	 out;
};

static ssize_t
fake_read(void *ctx, char *p, size_t len)
{
	struct fake	*f = ctx;
	size_t		 n = f->inlen - f->pos;

	if (n > len)
		n = len;
	if (n > 3)
		n = 3;		/* short reads on purpose */
	memcpy(p, f->in + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

static int
fake_write(void *ctx, const char *p, size_t len)
{
	struct fake	*f = ctx;

	return buf_add(&f->out, p, len) == USERCGI_OK ? 0 : -1;
}

static struct app_args	args;
static char		allow[APP_MAX_ALLOW];

/*
 * Routes method on SCRIPT_NAME sn + PATH_INFO pi: returns the matched
 * pattern ("" for none; then allow says whether it is 404 or 405).
 */
static const char *
route_m(const char *method, const char *sn, const char *pi)
{
	struct http_req			 rq;
	const struct app_handler	*h;

	memset(&rq, 0, sizeof(rq));
	rq.script_name = sn;
	rq.path_info = pi;
	h = app_handler(app_api_path(&rq), method, &args, allow);
	return h != NULL ? h->pattern : "";
}

static const char *
route(const char *sn, const char *pi)
{
	return route_m("POST", sn, pi);
}

/* Extra headers, the 304 and 204 shapes, entity tags, If-None-Match. */
static void
test_headers(void)
{
	struct http_req		 rq;
	struct http_resp	 r;
	struct fake		 f;
	char			 etag[HTTP_ETAG_SIZE];

	memset(&rq, 0, sizeof(rq));
	memset(&f, 0, sizeof(f));
	buf_init(&f.out, 4096);
	rq.write = fake_write;
	rq.ctx = &f;
	http_resp_init(&r);
	r.status = 200;
	(void)buf_addstr(&r.body, "[]");
	tap_int(http_resp_header(&r, "Total-Number", "0"), USERCGI_OK,
	    "header: added");
	tap_int(http_resp_header(&r, "Link", "<http://a/api/users?page=1>; "
	    "rel=\"first\""), USERCGI_OK, "header: a Link");
	tap_int(http_resp_header(&r, "Bad Name", "x"), USERCGI_INTERNAL,
	    "header: a name that is not a token");
	tap_int(http_resp_header(&r, "", "x"), USERCGI_INTERNAL,
	    "header: an empty name");
	tap_int(http_resp_header(&r, "X", "a\r\nSet-Cookie: x"),
	    USERCGI_INTERNAL, "header: CR LF in a value");
	tap_int(http_send(&rq, &r), 0, "header: send");
	tap_str(buf_str(&f.out), "Status: 200 OK\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: 2\r\nCache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\nTotal-Number: 0\r\n"
	    "Link: <http://a/api/users?page=1>; rel=\"first\"\r\n\r\n[]",
	    "header: response bytes");
	http_resp_free(&r);

	buf_reset(&f.out);
	http_resp_init(&r);
	r.status = 304;
	(void)buf_addstr(&r.body, "{}");
	(void)http_resp_header(&r, "ETag", "\"ab\"");
	tap_int(http_send(&rq, &r), 0, "304: send");
	tap_str(buf_str(&f.out), "Status: 304 Not Modified\r\n"
	    "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
	    "ETag: \"ab\"\r\n\r\n", "304: no Content-Type, no body");
	http_resp_free(&r);

	buf_reset(&f.out);
	http_resp_init(&r);
	r.status = 204;
	tap_int(http_send(&rq, &r), 0, "204: send");
	tap_str(buf_str(&f.out), "Status: 204 No Content\r\n"
	    "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
	    "\r\n", "204: no Content-Type, no body");
	http_resp_free(&r);

	http_resp_init(&r);
	while (http_resp_header(&r, "X", "0123456789abcdef") == USERCGI_OK)
		continue;
	tap_ok(r.headers.len <= HTTP_MAX_HEADERS && r.headers.len > 60000,
	    "header: bounded by HTTP_MAX_HEADERS");
	tap_ok(r.headers.len % strlen("X: 0123456789abcdef\r\n") == 0,
	    "header: a refused line leaves no part behind");
	http_resp_free(&r);
	buf_free(&f.out);

	tap_int(http_etag("", 0, etag), USERCGI_OK, "etag: of nothing");
	tap_str(etag, "\"cae66941d9efbd404e4d88758ea67670\"",
	    "etag: BLAKE2b-128 of the empty body");
	tap_int(http_etag("[]", 2, etag), USERCGI_OK, "etag: of []");
	tap_str(etag, "\"7ebb3c7c2a87b1a2f8a7ed729ecb040d\"",
	    "etag: BLAKE2b-128 of []");
	tap_int(http_none_match(NULL, etag), 0, "inm: absent");
	tap_int(http_none_match("", etag), 0, "inm: empty");
	tap_int(http_none_match("*", etag), 1, "inm: *");
	tap_int(http_none_match(" * ", etag), 1, "inm: * with spaces");
	tap_int(http_none_match("*, \"x\"", etag), 0, "inm: * in a list");
	tap_int(http_none_match(etag, etag), 1, "inm: the tag");
	tap_int(http_none_match("W/\"7ebb3c7c2a87b1a2f8a7ed729ecb040d\"",
	    etag), 1, "inm: weak comparison ignores W/");
	tap_int(http_none_match("\"a\", \"7ebb3c7c2a87b1a2f8a7ed729ecb040d\"",
	    etag), 1, "inm: second in a list");
	tap_int(http_none_match(",,\"7ebb3c7c2a87b1a2f8a7ed729ecb040d\",",
	    etag), 1, "inm: empty list elements");
	tap_int(http_none_match("\"4f53cda18c2baa0c0354bb5f9a3ecbe\"", etag),
	    0, "inm: a shorter tag");
	tap_int(http_none_match("7ebb3c7c2a87b1a2f8a7ed729ecb040d", etag), 0,
	    "inm: unquoted");
	tap_int(http_none_match("\"a\" x, \"7ebb3c7c2a87b1a2f8a7ed729ecb040d\"",
	    etag), 0, "inm: junk after a tag ends the list");
	tap_int(http_none_match("\"7ebb3c7c2a87b1a2f8a7ed729ecb040d", etag),
	    0, "inm: unterminated");
}

/* http_base_url of a request with these variables. */
static const char *
base_url(const char *https, const char *host, const char *name,
    const char *port, const char *sn, const char *pi)
{
	static char	res[512];
	struct http_req	rq;
	struct buf	b;

	memset(&rq, 0, sizeof(rq));
	rq.https = https;
	rq.http_host = host;
	rq.server_name = name;
	rq.server_port = port;
	rq.script_name = sn;
	rq.path_info = pi;
	buf_init(&b, sizeof(res) - 1);
	if (http_base_url(&rq, &b) != USERCGI_OK)
		(void)snprintf(res, sizeof(res), "ERR");
	else
		(void)snprintf(res, sizeof(res), "%s", buf_str(&b));
	buf_free(&b);
	return res;
}

static void
test_base_url(void)
{
	tap_str(base_url(NULL, "a.test", "b.test", "81", "/api", "/users"),
	    "http://a.test/api/users", "base url: Host wins, path joined");
	tap_str(base_url("on", "a.test:8443", NULL, NULL, "/api", "/users"),
	    "https://a.test:8443/api/users", "base url: HTTPS on, Host's port");
	tap_str(base_url("ON", NULL, "b.test", "443", "/api", "/users"),
	    "https://b.test/api/users", "base url: SERVER_NAME, default port");
	tap_str(base_url("off", NULL, "b.test", "8080", "/api", "/users"),
	    "http://b.test:8080/api/users", "base url: SERVER_PORT added");
	tap_str(base_url(NULL, NULL, "b.test", "8x", "/api", "/users"),
	    "http://b.test/api/users", "base url: a port that is no number");
	tap_str(base_url(NULL, "a.test>; rel=x", "b.test", "80", "/api",
	    "/users"), "http://b.test/api/users",
	    "base url: a Host with bad characters is skipped");
	tap_str(base_url(NULL, "a b", "c\r\nd", NULL, "/cgi-bin/u.fcgi",
	    "/api/users"), "/cgi-bin/u.fcgi/api/users",
	    "base url: no usable host gives the path");
	tap_str(base_url(NULL, "[::1]:8080", NULL, NULL, "/api", "/users"),
	    "http://[::1]:8080/api/users", "base url: an IPv6 literal");
	tap_str(base_url(NULL, NULL, NULL, NULL, "/a b%", "/u>\"\xc3\xa4"),
	    "/a%20b%25/u%3E%22%C3%A4", "base url: path bytes encoded");
	tap_str(base_url(NULL, NULL, NULL, NULL, NULL, NULL), "",
	    "base url: nothing at all");
}

int
main(void)
{
	struct http_req		 rq;
	struct http_resp	 r;
	struct fake		 f;
	struct buf		 b;
	size_t			 n;
	char			 big[APP_MAX_PATH - 1];

	tap_int(http_content_length(NULL, &n), 0, "absent CONTENT_LENGTH");
	tap_int((long long)n, 0, "means 0");
	tap_int(http_content_length("", &n), 0, "empty CONTENT_LENGTH");
	tap_int(http_content_length("127", &n), 0, "127");
	tap_int((long long)n, 127, "parsed 127");
	tap_int(http_content_length("128", &n), 0, "128");
	tap_int((long long)n, 128, "parsed 128");
	tap_int(http_content_length("-1", &n), -1, "negative refused");
	tap_int(http_content_length("+1", &n), -1, "sign refused");
	tap_int(http_content_length(" 1", &n), -1, "blank refused");
	tap_int(http_content_length("1 ", &n), -1, "trailing blank refused");
	tap_int(http_content_length("0x10", &n), -1, "hex refused");
	tap_int(http_content_length("999999999999999999", &n), 0, "18 digits");
	tap_int(http_content_length("9999999999999999999", &n), -1,
	    "19 digits refused (no overflow)");

	tap_ok(http_media_type_is("application/json", "application/json"),
	    "media type");
	tap_ok(http_media_type_is("Application/JSON; charset=utf-8",
	    "application/json"), "case and parameters");
	tap_ok(!http_media_type_is("application/jsonx", "application/json"),
	    "prefix is not a match");
	tap_ok(!http_media_type_is("text/plain", "application/json"), "text");
	tap_ok(!http_media_type_is(NULL, "application/json"), "absent");

	memset(&rq, 0, sizeof(rq));
	memset(&f, 0, sizeof(f));
	f.in = "{\"a\":1}";
	f.inlen = 7;
	buf_init(&f.out, 4096);
	rq.read = fake_read;
	rq.write = fake_write;
	rq.ctx = &f;
	buf_init(&b, 7);
	tap_int(http_read_body(&rq, 7, &b), USERCGI_OK, "body read in pieces");
	tap_str(buf_str(&b), "{\"a\":1}", "body bytes");
	buf_free(&b);
	f.pos = 0;
	buf_init(&b, 6);
	tap_int(http_read_body(&rq, 7, &b), USERCGI_TOO_LARGE,
	    "body over the buffer max");
	buf_free(&b);
	f.pos = 0;
	buf_init(&b, 100);
	tap_int(http_read_body(&rq, 8, &b), USERCGI_BADREQ,
	    "short body is a bad request");
	buf_free(&b);

	http_resp_init(&r);
	r.status = 405;
	r.allow = "POST";
	(void)buf_addstr(&r.body, "{\"message\":\"x\"}");
	tap_int(http_send(&rq, &r), 0, "send");
	tap_str(buf_str(&f.out), "Status: 405 Method Not Allowed\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: 15\r\nCache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\nAllow: POST\r\n\r\n"
	    "{\"message\":\"x\"}", "response bytes");
	http_resp_free(&r);
	buf_free(&f.out);

	/* The forms of etc/'s servers (tests/servers/). */
	tap_str(route("/cgi-bin/usercgi.fcgi", "/api/users"), "/users",
	    "CGI: the program in SCRIPT_NAME, the API in PATH_INFO");
	tap_str(route("/usercgi.fcgi", "/api/users"), "/users",
	    "shared hosting: the rewrite to usercgi.fcgi/api/...");
	tap_str(route("/api", "/users"), "/users",
	    "lighttpd, mod_fcgid, nginx: mounted at /api");
	tap_str(route("/api/users", NULL), "/users",
	    "mod_proxy_fcgi: all in SCRIPT_NAME");
	tap_str(route("/api/users", ""), "/users",
	    "mod_proxy_fcgi: empty PATH_INFO");
	tap_str(route(NULL, "/api/users"), "/users", "all in PATH_INFO");
	tap_str(route("", "/api/users/"), "/users", "trailing slash");
	tap_str(route("/x/api", "/users"), "/users", "mounted under a prefix");
	tap_str(route_m("GET", "/api", "/users/abc123"), "/users/{id}",
	    "one user");
	tap_str(args.arg[0], "abc123", "user id");
	tap_int((long long)args.n, 1, "one parameter");
	tap_str(route_m("GET", "/api/users/abc123", NULL), "/users/{id}",
	    "one user, all in SCRIPT_NAME");
	tap_str(route("/api", "/users/abc123/password/verify"),
	    "/users/{id}/password/verify", "verify route");
	tap_str(args.arg[0], "abc123", "verify id");
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "/users/", 7);
	big[sizeof(big) - 1] = '\0';
	tap_str(route_m("GET", "/api", big), "/users/{id}",
	    "a long id reaches the handler (which finds no such user)");
	tap_int((long long)strlen(args.arg[0]), (long long)sizeof(big) - 8,
	    "all of it");

	/* No route: 404, allow empty. */
	tap_str(route("/api", "/usersx"), "", "/api/usersx is not the route");
	tap_str(route("/api", "/users/abc/nothing"), "", "unknown sub-route");
	tap_str(route("/api", "/users//password/verify"), "", "empty id");
	tap_str(route("/api", "/users/abc//"), "", "two trailing slashes");
	tap_str(route("/", "/"), "", "root");
	tap_str(allow, "", "404, not 405");
	/* Issue 12 #11: the API root only at the mount point. */
	tap_str(route_m("GET", "/cgi-bin/usercgi.fcgi", "/x/api/users/ID"), "",
	    "PATH_INFO=/x/api/users/ID is no route");
	tap_str(allow, "", "and 404");
	tap_str(route("/foo/api/usersX", NULL), "",
	    "SCRIPT_NAME=/foo/api/usersX is no route");
	tap_str(route("/foo/api/users", NULL), "",
	    "SCRIPT_NAME=/foo/api/users is no route");
	tap_str(route("/api/usersX", NULL), "", "SCRIPT_NAME=/api/usersX");
	tap_str(route("/api", "/api/users"), "",
	    "/api/api/users is no route");
	tap_str(route("/cgi-bin/usercgi.fcgi", "/apix/users"), "",
	    "PATH_INFO=/apix/users");
	tap_str(route("/api/users", "/x"), "",
	    "SCRIPT_NAME=/api/users with a PATH_INFO");
	tap_str(route("/cgi-bin/api/users.fcgi", "/users"), "",
	    "/api in the middle of SCRIPT_NAME");

	/* 405 and its Allow: every method of the path, in table order. */
	tap_str(route_m("PUT", "/api", "/users"), "", "PUT /api/users");
	tap_str(allow, "GET, POST", "405 allows GET, POST");
	tap_str(route_m("POST", "/api", "/users/abc"), "", "POST a user");
	tap_str(allow, "GET, PATCH, DELETE", "405 allows GET, PATCH, DELETE");
	tap_str(route_m("GET", "/api", "/users/abc/password/verify"), "",
	    "GET verify");
	tap_str(allow, "POST", "405 allows POST");
	tap_str(route_m("GET", "/api", "/users/abc/identities/x"), "",
	    "GET an identity");
	tap_str(allow, "PUT, DELETE", "405 allows PUT, DELETE");
	tap_str(route_m("PATCH", "/api", "/users/abc/identities/x"),
	    "", "PATCH an identity");
	tap_str(route_m("DELETE", "/api", "/users/abc/logto-configs"), "",
	    "DELETE logto-configs");
	tap_str(allow, "GET, PATCH", "405 allows GET, PATCH");

	/* Every route of the table. */
	tap_str(route_m("GET", "/api", "/users"), "/users", "list");
	tap_str(route_m("PATCH", "/api", "/users/a"), "/users/{id}", "patch");
	tap_str(route_m("DELETE", "/api", "/users/a"), "/users/{id}", "delete");
	tap_str(route_m("GET", "/api", "/users/a/custom-data"),
	    "/users/{id}/custom-data", "custom-data");
	tap_str(route_m("PATCH", "/api", "/users/a/profile"),
	    "/users/{id}/profile", "profile");
	tap_str(route_m("PATCH", "/api", "/users/a/password"),
	    "/users/{id}/password", "password");
	tap_str(route_m("PATCH", "/api", "/users/a/password/expiration"),
	    "/users/{id}/password/expiration", "expiration");
	tap_str(route_m("GET", "/api", "/users/a/has-password"),
	    "/users/{id}/has-password", "has-password");
	tap_str(route_m("PATCH", "/api", "/users/a/is-suspended"),
	    "/users/{id}/is-suspended", "is-suspended");
	tap_str(route_m("PUT", "/api", "/users/a/identities/google"),
	    "/users/{id}/identities/{target}", "identity");
	tap_str(args.arg[1], "google", "identity target");
	tap_str(route_m("PATCH", "/api", "/users/a/logto-configs"),
	    "/users/{id}/logto-configs", "logto-configs");

	/* The matcher, for patterns with two parameters. */
	tap_int(app_match("/users/{id}/identities/{target}",
	    "/users/u1/identities/github", &args), 1, "two parameters");
	tap_str(args.arg[0], "u1", "first");
	tap_str(args.arg[1], "github", "second");
	tap_int(app_match("/users/{id}/identities/{target}",
	    "/users/u1/identities", &args), 0, "missing second parameter");
	tap_int(app_match("/users/{id}", "/users/u1/x", &args), 0,
	    "longer path");
	tap_int(app_match("/users", "users", &args), 0, "no leading slash");
	test_headers();
	test_base_url();
	return tap_done();
}
