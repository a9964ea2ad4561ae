/*
 * store.c: store.h's functions, dispatched to the backend that the
 * database string names (store_is_postgresql), and what the backends
 * share: the key columns computed in C, the JSON merges, the logto
 * configuration's text, the checks of a search's patterns.
 */
#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dlmod.h"
#include "json.h"
#include "log.h"
#include "phone.h"
#include "re.h"
#include "store.h"
#include "store_impl.h"
#include "utf8.h"

/* The backend of an open store: the first member of its struct store. */
static const struct store_ops *
store_ops_of(struct store *s)
{
	return *(const struct store_ops *const *)(void *)s;
}

int
store_schema_version(void)
{
	return STORE_SCHEMA_VERSION;
}

/* Returns 1 for a libpq keyword character (letters and "_"). */
static int
store_kwchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
store_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

int
store_is_postgresql(const char *db)
{
	size_t	i = 0;

	if (db == NULL)
		return 0;
	if (strncmp(db, "postgresql://", 13) == 0 ||
	    strncmp(db, "postgres://", 11) == 0)
		return 1;
	while (store_blank(db[i]))
		i++;
	if (!store_kwchar(db[i]))
		return 0;
	while (store_kwchar(db[i]))
		i++;
	return db[i] == '=';
}

/* A bounded writer into the caller's buffer: what fits, always terminated. */
struct store_out {
	char	*p;
	size_t	 len, n;
};

static void
store_out_add(struct store_out *o, const char *s, size_t len)
{
	size_t	room;

	if (o->len == 0)
		return;
	room = o->len - 1 - o->n;
	if (len > room)
		len = room;
	memcpy(o->p + o->n, s, len);
	o->n += len;
	o->p[o->n] = '\0';
}

/*
 * Returns 1 when the keyword (len bytes at k) may name a secret: it
 * contains "password" in any letter case (libpq's password and
 * sslpassword, and a mistyped PASSWORD that libpq would name in its
 * error).
 */
static int
store_secret_kw(const char *k, size_t len)
{
	size_t	i, j;

	for (i = 0; i + 8 <= len; i++) {
		for (j = 0; j < 8 && (k[i + j] | 0x20) == "password"[j]; j++)
			continue;
		if (j == 8)
			return 1;
	}
	return 0;
}

/*
 * A postgresql:// URI with the password of its user part and the value
 * of every password/sslpassword query parameter replaced by "***"
 * (libpq's URI syntax: the user part ends at the first "@" before any
 * "/").
 */
static void
store_redact_uri(const char *db, struct store_out *o)
{
	const char	*p = strstr(db, "://") + 3, *at, *colon, *q, *e, *eq;

	store_out_add(o, db, (size_t)(p - db));
	at = p + strcspn(p, "@/");
	if (*at == '@') {
		colon = memchr(p, ':', (size_t)(at - p));
		if (colon != NULL) {
			store_out_add(o, p, (size_t)(colon - p) + 1);
			store_out_add(o, "***", 3);
			p = at;
		}
	}
	if ((q = strchr(p, '?')) == NULL) {
		store_out_add(o, p, strlen(p));
		return;
	}
	store_out_add(o, p, (size_t)(q - p) + 1);
	for (p = q + 1; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, "&");
		eq = memchr(p, '=', (size_t)(e - p));
		if (eq != NULL && store_secret_kw(p, (size_t)(eq - p))) {
			store_out_add(o, p, (size_t)(eq - p) + 1);
			store_out_add(o, "***", 3);
		} else
			store_out_add(o, p, (size_t)(e - p));
		if (*e == '&')
			store_out_add(o, "&", 1);
	}
}

/*
 * A conninfo string (keyword = value ..., values bare with backslash
 * escapes or single-quoted) with the value of every password and
 * sslpassword replaced by "***".  Text it cannot read is not shown.
 */
static void
store_redact_conninfo(const char *db, struct store_out *o)
{
	const char	*p = db, *k, *v;
	size_t		 klen;

	while (*p != '\0') {
		for (v = p; store_blank(*p); p++)
			continue;
		store_out_add(o, v, (size_t)(p - v));
		if (*p == '\0')
			break;
		for (k = p; store_kwchar(*p); p++)
			continue;
		klen = (size_t)(p - k);
		while (store_blank(*p))
			p++;
		if (klen == 0 || *p != '=') {
			store_out_add(o, "(not shown)", 11);
			return;
		}
		for (p++; store_blank(*p); p++)
			continue;
		v = p;
		if (*p == '\'') {
			for (p++; *p != '\0' && *p != '\''; p++)
				if (*p == '\\' && p[1] != '\0')
					p++;
			if (*p != '\'') {
				store_out_add(o, k, klen);
				store_out_add(o, "=(not shown)", 12);
				return;
			}
			p++;
		} else
			for (; *p != '\0' && !store_blank(*p); p++)
				if (*p == '\\' && p[1] != '\0')
					p++;
		store_out_add(o, k, klen);
		store_out_add(o, "=", 1);
		if (store_secret_kw(k, klen))
			store_out_add(o, "***", 3);
		else
			store_out_add(o, v, (size_t)(p - v));
	}
}

void
store_redact(const char *db, char *out, size_t outlen)
{
	struct store_out	o;

	if (outlen == 0)
		return;
	o.p = out;
	o.len = outlen;
	o.n = 0;
	out[0] = '\0';
	if (db == NULL)
		store_out_add(&o, "(none)", 6);
	else if (!store_is_postgresql(db))
		store_out_add(&o, db, strlen(db));
	else if (strstr(db, "://") != NULL && (strncmp(db, "postgresql://",
	    13) == 0 || strncmp(db, "postgres://", 11) == 0))
		store_redact_uri(db, &o);
	else
		store_redact_conninfo(db, &o);
}

/* The PostgreSQL module's path (store_impl.h), and the lock of its loading. */
static pthread_mutex_t		 store_pg_mu = PTHREAD_MUTEX_INITIALIZER;
static char			 store_pg_path[PATH_MAX] =
				    STORE_PG_MODULE_DEFAULT;

enum usercgi_err
store_pg_module_set(const char *path)
{
	size_t	n = strlen(path);

	if (n >= sizeof(store_pg_path))
		return USERCGI_INTERNAL;
	pthread_mutex_lock(&store_pg_mu);
	memcpy(store_pg_path, path, n + 1);
	pthread_mutex_unlock(&store_pg_mu);
	return USERCGI_OK;
}

/*
 * Returns the PostgreSQL backend's operations, loading the module the
 * first time (it then stays for the life of the process), or NULL,
 * logged: a build without PostgreSQL, or a module that cannot be
 * loaded (the next call tries again).
 */
static const struct store_ops *
store_pg_backend(void)
{
#ifdef HAVE_POSTGRESQL
	static const struct store_ops *loaded;	/* under store_pg_mu */
	static const char *const names[1] = { STORE_PG_ENTRY };
	const struct store_ops	*ops;
	void			*h = NULL, *entry;
	char			 why[PATH_MAX + 256];

	why[0] = '\0';
	pthread_mutex_lock(&store_pg_mu);
	if ((ops = loaded) != NULL)
		goto out;
	if ((h = dlmod_open(store_pg_path, names, 1, &entry, why,
	    sizeof(why))) == NULL)
		goto out;
	if ((ops = ((store_pg_module_fn *)entry)(PACKAGE_VERSION,
	    sizeof(*ops))) == NULL) {
		(void)snprintf(why, sizeof(why), "%s: built for another "
		    "version of usercgi", store_pg_path);
		goto out;
	}
	loaded = ops;
	h = NULL;
out:
	if (h != NULL)
		(void)dlclose(h);
	pthread_mutex_unlock(&store_pg_mu);
	if (why[0] != '\0')
		log_err("database: cannot load the PostgreSQL store: %s", why);
	return ops;
#else
	log_err("database: this build has no PostgreSQL support (configure"
	    " --without-postgresql)");
	return NULL;
#endif
}

enum usercgi_err
store_open(const char *path, const struct store_opts *o, struct store **out)
{
	const struct store_ops	*pg;

	*out = NULL;
	if (path == NULL || o == NULL) {
		log_err("store_open: no database configured");
		return USERCGI_INTERNAL;
	}
	if (!store_is_postgresql(path))
		return store_sqlite_ops.open(path, o, out);
	if ((pg = store_pg_backend()) == NULL)
		return USERCGI_UNAVAILABLE;
	return pg->open(path, o, out);
}

enum usercgi_err
store_probe(const char *database, const struct store_opts *o, int *version)
{
	const struct store_ops	*pg;

	*version = 0;
	if (database == NULL || o == NULL || !store_is_postgresql(database)) {
		log_err("store_probe: not a PostgreSQL database");
		return USERCGI_INTERNAL;
	}
	if ((pg = store_pg_backend()) == NULL)
		return USERCGI_UNAVAILABLE;
	return pg->probe(database, o, version);
}

void
store_close(struct store *s)
{
	if (s != NULL)
		store_ops_of(s)->close(s);
}

enum usercgi_err
store_find_conflict(struct store *s, const char *username, const char *email,
    const char *phone)
{
	return store_ops_of(s)->find_conflict(s, username, email, phone);
}

enum usercgi_err
store_user_insert(struct store *s, const struct store_user *u)
{
	struct store_keys	 k;
	enum usercgi_err	 err;

	memset(&k, 0, sizeof(k));
	if (u->id[0] == '\0' ||
	    memchr(u->id, '\0', sizeof(u->id)) == NULL) {
		log_err("store_user_insert: bad id");
		err = USERCGI_INTERNAL;
		goto out;
	}
	if ((err = store_keys_set(&k, u->primary_email, u->primary_phone,
	    u->username, u->name)) != USERCGI_OK)
		goto out;
	err = store_ops_of(s)->user_insert(s, u, &k);
out:
	store_keys_free(&k);
	return err;
}

enum usercgi_err
store_user_get(struct store *s, const char *id, struct store_user *u)
{
	return store_ops_of(s)->user_get(s, id, u);
}

enum usercgi_err
store_user_rehash(struct store *s, const char *id, const char *old_hash,
    const char *hash, const char *method, int64_t now_ms)
{
	return store_ops_of(s)->user_rehash(s, id, old_hash, hash, method,
	    now_ms);
}

void
store_set_group(struct store *s, struct store_group *g)
{
	if (store_ops_of(s)->set_group != NULL)
		store_ops_of(s)->set_group(s, g);
}

/*
 * Group commit.  store_group_insert queues its row; the first thread that
 * finds no batch running becomes the leader, takes every queued row and
 * hands them to its backend's insert_batch, which commits them together
 * (store_sqlite.c: one transaction, one fsync; store_pg.c: one
 * statement).  Rows queued meanwhile form the next batch.  Every caller
 * gets its own row's result only after the batch, so USERCGI_OK still
 * means "committed".  The struct is in store_impl.h.
 */
enum usercgi_err
store_group_new(struct store_group **out)
{
	struct store_group	*g;

	*out = NULL;
	if ((g = xcalloc(1, sizeof(*g))) == NULL)
		return USERCGI_NOMEM;
	if (pthread_mutex_init(&g->mu, NULL) != 0) {
		free(g);
		return USERCGI_INTERNAL;
	}
	g->tailp = &g->head;
	*out = g;
	return USERCGI_OK;
}

void
store_group_free(struct store_group *g)
{
	if (g == NULL)
		return;
	log_debug("group commit: %lu batches, the largest of %zu rows",
	    g->batches, g->max_batch);
	store_close(g->writer);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

/*
 * Each waiting thread is woken exactly once, by its own semaphore: by the
 * leader that ran its row (done), or by the leader before it, which hands
 * the lead to the thread at the head of the queue.  Nobody waits for the
 * group mutex while a leader finishes, and a batch costs one wake-up per
 * row.  Posting after the mutex is released is safe: a job is in one list
 * at a time, and the leader reads a job's next before its post (after
 * which the job may vanish).
 */
enum usercgi_err
store_group_insert(struct store_group *g, struct store *s,
    const struct store_user *u, const struct store_keys *k)
{
	struct store_job	 job, *batch, *j, *next, *heir;
	size_t			 n;
	int			 lead;

	memset(&job, 0, sizeof(job));
	job.u = u;
	job.k = k;
	if (sem_init(&job.wake, 0, 0) != 0) {
		log_err("store: sem_init failed");
		return USERCGI_INTERNAL;
	}
	pthread_mutex_lock(&g->mu);
	*g->tailp = &job;
	g->tailp = &job.next;
	g->nqueued++;
	lead = !g->leading;
	g->leading = 1;
	pthread_mutex_unlock(&g->mu);
	if (!lead) {
		while (sem_wait(&job.wake) != 0)
			continue;	/* EINTR */
		if (job.done)
			goto out;
	}
	/* Leading: the queue starts with this job. */
	pthread_mutex_lock(&g->mu);
	batch = g->head;
	n = g->nqueued;
	g->head = NULL;
	g->tailp = &g->head;
	g->nqueued = 0;
	pthread_mutex_unlock(&g->mu);
	store_ops_of(s)->insert_batch(s, &g->writer, batch);
	pthread_mutex_lock(&g->mu);
	g->batches++;
	if (n > g->max_batch)
		g->max_batch = n;
	heir = g->head;
	g->leading = heir != NULL;
	pthread_mutex_unlock(&g->mu);
	for (j = batch; j != NULL; j = next) {
		next = j->next;
		if (j == &job)
			continue;
		j->done = 1;
		sem_post(&j->wake);
	}
	if (heir != NULL)
		sem_post(&heir->wake);
out:
	sem_destroy(&job.wake);
	return job.rc;
}

enum usercgi_err
store_token_known(struct store *s, const unsigned char key[STORE_TOKEN_KEY],
    int64_t now_s, int *known)
{
	return store_ops_of(s)->token_known(s, key, now_s, known);
}

enum usercgi_err
store_token_remember(struct store *s, const unsigned char key[STORE_TOKEN_KEY],
    int64_t exp_s, int64_t now_s)
{
	return store_ops_of(s)->token_remember(s, key, exp_s, now_s);
}

void
store_idem_hex(const struct store_idem *k, struct store_idem_hex *h)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < STORE_IDEM_KEY; i++) {
		h->key[2 * i] = hex[k->key[i] >> 4];
		h->key[2 * i + 1] = hex[k->key[i] & 15];
		h->fingerprint[2 * i] = hex[k->fingerprint[i] >> 4];
		h->fingerprint[2 * i + 1] = hex[k->fingerprint[i] & 15];
	}
	for (i = 0; i < STORE_IDEM_OWNER; i++) {
		h->owner[2 * i] = hex[k->owner[i] >> 4];
		h->owner[2 * i + 1] = hex[k->owner[i] & 15];
	}
	h->key[2 * STORE_IDEM_KEY] = '\0';
	h->fingerprint[2 * STORE_IDEM_KEY] = '\0';
	h->owner[2 * STORE_IDEM_OWNER] = '\0';
}

enum usercgi_err
store_idem_claim(struct store *s, const struct store_idem *k,
    enum store_idem_state *state, int *status, char **body)
{
	*state = STORE_IDEM_RUNNING;
	*status = 0;
	*body = NULL;
	return store_ops_of(s)->idem_claim(s, k, state, status, body);
}

enum usercgi_err
store_idem_answer(struct store *s, const struct store_idem *k, int status,
    const char *body, size_t len)
{
	return store_ops_of(s)->idem_answer(s, k, status, body, len);
}

void
store_idem_release(struct store *s, const struct store_idem *k)
{
	store_ops_of(s)->idem_release(s, k);
}

enum usercgi_err
store_find_update_conflict(struct store *s, const char *id, const char *email,
    const char *phone, const char *username)
{
	return store_ops_of(s)->find_update_conflict(s, id, email, phone,
	    username);
}

enum usercgi_err
store_user_update(struct store *s, const char *id, const struct store_patch *p,
    int64_t now_ms, struct store_user *out)
{
	return store_ops_of(s)->user_update(s, id, p, now_ms, out);
}

enum usercgi_err
store_user_delete(struct store *s, const char *id)
{
	return store_ops_of(s)->user_delete(s, id);
}

enum usercgi_err
store_identity_set(struct store *s, const char *id, const char *target,
    const char *identity_user_id, const char *identity_json, int64_t now_ms,
    int *created, char **identities_out)
{
	return store_ops_of(s)->identity_set(s, id, target, identity_user_id,
	    identity_json, now_ms, created, identities_out);
}

enum usercgi_err
store_identity_remove(struct store *s, const char *id, const char *target,
    int64_t now_ms, struct store_user *out)
{
	return store_ops_of(s)->identity_remove(s, id, target, now_ms, out);
}

enum usercgi_err
store_user_list(struct store *s, const struct store_query *q,
    struct store_user **users, size_t *nusers, int64_t *total)
{
	return store_ops_of(s)->user_list(s, q, users, nusers, total);
}

enum usercgi_err
store_patch_check(const struct store_patch *p)
{
	unsigned	set = p->set;

	if (set == 0 || ((set & STORE_P_CUSTOM_DATA) &&
	    (set & STORE_P_CUSTOM_MERGE)) || ((set & STORE_P_PROFILE) &&
	    (set & STORE_P_PROFILE_MERGE)) ||
	    ((set & (STORE_P_CUSTOM_DATA | STORE_P_CUSTOM_MERGE)) &&
	    p->custom_data_json == NULL) ||
	    ((set & (STORE_P_PROFILE | STORE_P_PROFILE_MERGE)) &&
	    p->profile_json == NULL)) {
		log_err("store_user_update: bad patch");
		return USERCGI_INTERNAL;
	}
	return USERCGI_OK;
}

void
store_logto_config_apply(struct store_logto_config *c,
    const struct store_logto_config *p)
{
	if (p->mfa_enabled >= 0)
		c->mfa_enabled = p->mfa_enabled != 0;
	if (p->mfa_skipped >= 0)
		c->mfa_skipped = p->mfa_skipped != 0;
	if (p->mfa_skip_on_sign_in >= 0)
		c->mfa_skip_on_sign_in = p->mfa_skip_on_sign_in != 0;
	if (p->passkey_skipped >= 0)
		c->passkey_skipped = p->passkey_skipped != 0;
}

/*
 * Lowercases each code point (utf8_tolower: Unicode simple case
 * mapping).  Bytes that are not valid UTF-8 are copied unchanged.
 */
char *
store_email_key(const char *email)
{
	return utf8_lower_dup(email, strlen(email));
}

/*
 * The uniqueness key of a phone (phone.h): cc+nsn and cc+0+nsn give the
 * same key.  Digits that do not parse keep themselves as the key (such a
 * number is refused later by check 10, or was stored by a verbatim
 * build).  Writes to out (PHONE_BUFSZ bytes); returns USERCGI_OK or
 * USERCGI_NOMEM / USERCGI_INTERNAL.
 */
enum usercgi_err
store_phone_key(const char *phone, char out[PHONE_BUFSZ])
{
	size_t			 len = strlen(phone);
	enum usercgi_err	 err;

	err = phone_key(phone, len, out, PHONE_BUFSZ);
	if (err == USERCGI_INVALID_PHONE || err == USERCGI_VALUE_TOO_LONG) {
		if (len >= PHONE_BUFSZ)
			len = PHONE_BUFSZ - 1;
		memcpy(out, phone, len);
		out[len] = '\0';
		err = USERCGI_OK;
	}
	return err;
}

/*
 * Sets the key columns of k for the given values (NULL or "" gives a NULL
 * key): the lowercased email, the phone's phone.h key, the lowercased
 * username and name.  Returns USERCGI_OK or USERCGI_NOMEM /
 * USERCGI_INTERNAL; free k with store_keys_free either way.
 */
enum usercgi_err
store_keys_set(struct store_keys *k, const char *email, const char *phone,
    const char *username, const char *name)
{
	enum usercgi_err	err;

	if (email != NULL && email[0] != '\0' &&
	    (k->email = store_email_key(email)) == NULL)
		return USERCGI_NOMEM;
	if (phone != NULL && phone[0] != '\0') {
		if ((err = store_phone_key(phone, k->pbuf)) != USERCGI_OK)
			return err;
		k->phone = k->pbuf;
	}
	if (username != NULL && username[0] != '\0' && (k->username =
	    utf8_lower_dup(username, strlen(username))) == NULL)
		return USERCGI_NOMEM;
	if (name != NULL && name[0] != '\0' &&
	    (k->name = utf8_lower_dup(name, strlen(name))) == NULL)
		return USERCGI_NOMEM;
	return USERCGI_OK;
}

void
store_keys_free(struct store_keys *k)
{
	free(k->email);
	free(k->username);
	free(k->name);
	memset(k, 0, sizeof(*k));
}

/* Reads a boolean member of o into *v (left alone when absent or not a boolean). */
static void
store_json_bool(struct json_object *o, const char *key, int *v)
{
	struct json_object	*m;

	if (o != NULL && json_object_object_get_ex(o, key, &m) &&
	    json_object_is_type(m, json_type_boolean))
		*v = json_object_get_boolean(m) ? 1 : 0;
}

/*
 * Reads the logto_config column's text (len bytes) into *c: missing
 * values false, mfa_enabled -1 when never set.  A text that does not
 * parse reads as the defaults (it is only ever written by
 * store_logto_config_text).
 */
void
store_logto_config_read(const char *t, size_t len, struct store_logto_config *c)
{
	struct json_object	*o = NULL, *mfa = NULL, *pk = NULL;
	char			 msg[8];

	c->mfa_enabled = -1;
	c->mfa_skipped = c->mfa_skip_on_sign_in = c->passkey_skipped = 0;
	if (t == NULL || (len == 2 && memcmp(t, "{}", 2) == 0) ||
	    json_parse_strict(t, len, JSON_MAX_DEPTH, &o, msg,
	    sizeof(msg)) != USERCGI_OK)
		return;
	if (o != NULL && json_object_is_type(o, json_type_object)) {
		if (json_object_object_get_ex(o, "mfa", &mfa)) {
			store_json_bool(mfa, "enabled", &c->mfa_enabled);
			store_json_bool(mfa, "skipped", &c->mfa_skipped);
			store_json_bool(mfa, "skipMfaOnSignIn",
			    &c->mfa_skip_on_sign_in);
		}
		if (json_object_object_get_ex(o, "passkeySignIn", &pk))
			store_json_bool(pk, "skipped", &c->passkey_skipped);
	}
	json_object_put(o);
}

void
store_user_free(struct store_user *u)
{
	if (u == NULL)
		return;
	free(u->username);
	free(u->primary_email);
	free(u->primary_phone);
	if (u->password_encrypted != NULL)
		secure_zero(u->password_encrypted,
		    strlen(u->password_encrypted));
	free(u->password_encrypted);
	free(u->password_encryption_method);
	free(u->name);
	free(u->avatar);
	free(u->profile_json);
	free(u->custom_data_json);
	free(u->identities_json);
	free(u->application_id);
	memset(u, 0, sizeof(*u));
}

void
store_users_free(struct store_user *users, size_t n)
{
	size_t	i;

	if (users == NULL)
		return;
	for (i = 0; i < n; i++)
		store_user_free(&users[i]);
	free(users);
}

/*
 * Parses a stored or given JSON object text.  Returns USERCGI_OK with
 * *o (caller puts), USERCGI_NOMEM, or USERCGI_INTERNAL (not an object).
 */
enum usercgi_err
store_json_object(const char *t, struct json_object **o)
{
	char			 msg[64];
	enum usercgi_err	 err;

	*o = NULL;
	if ((err = json_parse_strict(t, strlen(t), JSON_MAX_DEPTH, o, msg,
	    sizeof(msg))) == USERCGI_NOMEM)
		return err;
	if (err != USERCGI_OK || *o == NULL ||
	    !json_object_is_type(*o, json_type_object)) {
		log_err("store: a JSON column or patch is not an object");
		json_object_put(*o);
		*o = NULL;
		return USERCGI_INTERNAL;
	}
	return USERCGI_OK;
}

/* Serialises o as JSON text (caller frees), NULL with *err set. */
char *
store_json_text(struct json_object *o, enum usercgi_err *err)
{
	struct buf	 b;
	char		*t = NULL;

	buf_init(&b, STORE_MAX_JSON);
	if ((*err = jsonw_value(&b, o)) == USERCGI_OK &&
	    (t = buf_take(&b)) == NULL)
		*err = USERCGI_NOMEM;
	buf_free(&b);
	return t;
}

/*
 * The shallow merge of store_patch: stored's members with patch's laid
 * over them, keys (when not NULL) first in their order.  Returns the
 * JSON text (caller frees) or NULL with *err set.
 */
char *
store_merge(const char *stored, const char *patch, const char *const *keys,
    enum usercgi_err *err)
{
	struct json_object	*a = NULL, *b = NULL, *m = NULL, *v;
	struct buf		 out;
	char			*text = NULL;
	size_t			 i;

	buf_init(&out, STORE_MAX_JSON);
	if ((*err = store_json_object(stored, &a)) != USERCGI_OK ||
	    (*err = store_json_object(patch, &b)) != USERCGI_OK)
		goto out;
	json_object_object_foreach(b, key, val)
		if (json_object_object_add(a, key, json_object_get(val)) != 0) {
			*err = USERCGI_NOMEM;
			goto out;
		}
	if (keys != NULL) {
		if ((m = json_object_new_object()) == NULL) {
			*err = USERCGI_NOMEM;
			goto out;
		}
		for (i = 0; keys[i] != NULL; i++)
			if (json_object_object_get_ex(a, keys[i], &v) &&
			    json_object_object_add(m, keys[i],
			    json_object_get(v)) != 0) {
				*err = USERCGI_NOMEM;
				goto out;
			}
		json_object_object_foreach(a, k2, v2)
			if (!json_object_object_get_ex(m, k2, NULL) &&
			    json_object_object_add(m, k2,
			    json_object_get(v2)) != 0) {
				*err = USERCGI_NOMEM;
				goto out;
			}
	}
	if ((*err = jsonw_value(&out, m != NULL ? m : a)) != USERCGI_OK)
		goto out;
	if ((text = buf_take(&out)) == NULL)
		*err = USERCGI_NOMEM;
out:
	json_object_put(a);
	json_object_put(b);
	json_object_put(m);
	buf_free(&out);
	return text;
}

/*
 * Writes c as the logto_config column's text (caller frees), the shape
 * Logto stores: {"mfa":{"enabled"?,"skipped","skipMfaOnSignIn"},
 * "passkeySignIn":{"skipped"}}.  NULL on allocation failure.
 */
char *
store_logto_config_text(const struct store_logto_config *c)
{
	struct buf	b;

	buf_init(&b, 256);
	if (buf_addstr(&b, "{\"mfa\":{") != USERCGI_OK ||
	    (c->mfa_enabled >= 0 && buf_printf(&b, "\"enabled\":%s,",
	    c->mfa_enabled ? "true" : "false") != USERCGI_OK) ||
	    buf_printf(&b, "\"skipped\":%s,\"skipMfaOnSignIn\":%s},"
	    "\"passkeySignIn\":{\"skipped\":%s}}",
	    c->mfa_skipped ? "true" : "false",
	    c->mfa_skip_on_sign_in ? "true" : "false",
	    c->passkey_skipped ? "true" : "false") != USERCGI_OK) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* "" is NULL for the scalars of a patch. */
const char *
store_nz(const char *v)
{
	return v != NULL && v[0] != '\0' ? v : NULL;
}

/*
 * Checks every pattern of q as the search functions will read it.
 * Returns USERCGI_OK, USERCGI_BAD_PATTERN or USERCGI_NOMEM.
 */
enum usercgi_err
store_check_patterns(const struct store_query *q)
{
	const struct store_qgroup	*g;
	struct re			*re;
	const char			*why;
	enum usercgi_err		 err;
	size_t				 i;

	for (i = 0; i < q->ngroups; i++) {
		g = &q->groups[i];
		if (g->nvalues == 0 || (g->mode != STORE_QM_EXACT &&
		    g->nvalues != 1)) {
			log_err("store_user_list: bad group");
			return USERCGI_INTERNAL;
		}
		if (g->mode == STORE_QM_LIKE && !re_like_valid(g->values[0],
		    strlen(g->values[0])))
			return USERCGI_BAD_PATTERN;
		if (g->mode == STORE_QM_SIMILAR_TO ||
		    g->mode == STORE_QM_POSIX) {
			err = re_compile(g->values[0], strlen(g->values[0]),
			    g->mode == STORE_QM_SIMILAR_TO ? RE_SIMILAR : 0,
			    &re, &why);
			re_free(re);
			if (err != USERCGI_OK)
				return err;
		}
	}
	return USERCGI_OK;
}

void
store_sqlb_init(struct store_sqlb *b, int dollar)
{
	memset(b, 0, sizeof(*b));
	buf_init(&b->sql, 32768);
	b->dollar = dollar;
}

void
store_sqlb_free(struct store_sqlb *b)
{
	size_t	i;

	for (i = 0; i < b->nowned; i++)
		free(b->owned[i]);
	buf_free(&b->sql);
}

void
store_sqlb_sql(struct store_sqlb *b, const char *frag)
{
	if (b->err == USERCGI_OK)
		b->err = buf_addstr(&b->sql, frag);
}

void
store_sqlb_own(struct store_sqlb *b, char *p)
{
	if (b->nowned < STORE_SQLB_MAX_ARGS)
		b->owned[b->nowned++] = p;
	else {
		free(p);
		b->err = USERCGI_INTERNAL;
	}
}

/* Queues one parameter and appends its placeholder. */
static void
store_sqlb_param(struct store_sqlb *b, const struct store_sqlb_arg *a,
    const char *type)
{
	if (b->err != USERCGI_OK)
		return;
	if (b->nargs >= STORE_SQLB_MAX_ARGS) {
		b->err = USERCGI_INTERNAL;
		return;
	}
	b->args[b->nargs++] = *a;
	if (b->dollar)
		b->err = buf_printf(&b->sql, "$%zu::%s", b->nargs, type);
	else
		b->err = buf_addc(&b->sql, '?');
}

void
store_sqlb_text(struct store_sqlb *b, const char *t, size_t len,
    const char *type, int own)
{
	struct store_sqlb_arg	a;

	if (own)
		store_sqlb_own(b, (char *)t);
	memset(&a, 0, sizeof(a));
	a.text = t;
	a.len = len;
	store_sqlb_param(b, &a, type);
}

void
store_sqlb_arg(struct store_sqlb *b, const char *t, const char *type, int own)
{
	store_sqlb_text(b, t, t != NULL ? strlen(t) : 0, type, own);
}

void
store_sqlb_str(struct store_sqlb *b, const char *t)
{
	store_sqlb_arg(b, t, "text", 0);
}

void
store_sqlb_int(struct store_sqlb *b, int64_t v)
{
	struct store_sqlb_arg	a;
	char			*t;
	int			 n;

	if (b->err != USERCGI_OK)
		return;
	if (b->dollar) {
		if ((t = xmalloc(24)) == NULL) {
			b->err = USERCGI_NOMEM;
			return;
		}
		n = snprintf(t, 24, "%lld", (long long)v);
		store_sqlb_text(b, t, n > 0 ? (size_t)n : 0, "bigint", 1);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.is_int = 1;
	a.i = v;
	store_sqlb_param(b, &a, NULL);
}

void
store_sqlb_set(struct store_sqlb *b, int *first, const char *col)
{
	store_sqlb_sql(b, *first ? " " : ", ");
	*first = 0;
	store_sqlb_sql(b, col);
	store_sqlb_sql(b, " = ");
}

const char *
store_sqlb_lower(struct store_sqlb *b, const char *v)
{
	char	*l;

	if (b->err != USERCGI_OK)
		return NULL;
	if ((l = utf8_lower_dup(v, strlen(v))) == NULL) {
		b->err = USERCGI_NOMEM;
		return NULL;
	}
	store_sqlb_own(b, l);
	return b->err == USERCGI_OK ? l : NULL;
}

void
store_sqlb_in(struct store_sqlb *b, const char *col,
    const struct store_qgroup *g, int lower)
{
	const char	*l;
	size_t		 i;

	store_sqlb_sql(b, col);
	store_sqlb_sql(b, " IN (");
	for (i = 0; i < g->nvalues && b->err == USERCGI_OK; i++) {
		if (i > 0)
			store_sqlb_sql(b, ", ");
		if (!lower)
			store_sqlb_str(b, g->values[i]);
		else if ((l = store_sqlb_lower(b, g->values[i])) != NULL)
			store_sqlb_str(b, l);
	}
	store_sqlb_sql(b, ")");
}

void
store_sqlb_where(struct store_sqlb *b, const struct store_query *q,
    const char *prefix, store_where_fn *where)
{
	const struct store_qgroup	*g;
	size_t				 i;
	int				 f;

	store_sqlb_sql(b, prefix);
	if (q->ngroups == 0)
		return;
	store_sqlb_sql(b, " WHERE ");
	for (i = 0; i < q->ngroups; i++) {
		g = &q->groups[i];
		if (i > 0)
			store_sqlb_sql(b, q->joint_and ? " AND " : " OR ");
		store_sqlb_sql(b, "(");
		if (g->field != STORE_QF_ALL)
			where(b, g->field, g, q->case_sensitive);
		else
			for (f = STORE_QF_ID; f <= STORE_QF_NAME; f++) {
				if (f != STORE_QF_ID)
					store_sqlb_sql(b, " OR ");
				where(b, (enum store_qfield)f, g,
				    q->case_sensitive);
			}
		store_sqlb_sql(b, ")");
	}
}

const struct store_qcol store_qcols[STORE_QF_NAME + 1] = {
	[STORE_QF_ID] = { "id", "id", 1 },
	[STORE_QF_EMAIL] = { "email_key", "primary_email", 0 },
	[STORE_QF_PHONE] = { "primary_phone", "primary_phone", 1 },
	[STORE_QF_USERNAME] = { "username_key", "username", 1 },
	[STORE_QF_NAME] = { "name_key", "name", 0 },
};

void
store_sqlb_exact(struct store_sqlb *b, enum store_qfield f,
    const struct store_qgroup *g, int cs)
{
	const struct store_qcol	*c = &store_qcols[f];

	if (!cs)
		store_sqlb_in(b, c->key, g, 1);
	else if (c->raw_indexed)
		store_sqlb_in(b, c->raw, g, 0);
	else {
		store_sqlb_sql(b, "(");
		store_sqlb_in(b, c->key, g, 1);
		store_sqlb_sql(b, " AND ");
		store_sqlb_in(b, c->raw, g, 0);
		store_sqlb_sql(b, ")");
	}
}
