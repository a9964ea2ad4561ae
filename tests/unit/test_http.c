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
	tap_str(route("/api", "/users/abc/password"), "", "unknown sub-route");
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

	/* 405 and its Allow. */
	tap_str(route_m("GET", "/api", "/users"), "", "GET /api/users");
	tap_str(allow, "POST", "405 allows POST");
	tap_str(route_m("DELETE", "/api", "/users/abc"), "", "DELETE a user");
	tap_str(allow, "GET", "405 allows GET");
	tap_str(route_m("GET", "/api", "/users/abc/password/verify"), "",
	    "GET verify");
	tap_str(allow, "POST", "405 allows POST");

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
	return tap_done();
}
