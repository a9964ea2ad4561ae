/*
 * store_impl.h: what the backends of store.h share (private to lib/store*.c).
 *
 * Every backend defines its own struct store, whose first member is
 * `const struct store_ops *ops`: store.c reads that member alone (a
 * pointer to a struct points to its first member, C11 6.7.2.1p15) and
 * calls the backend through it.  The functions of struct store_ops have
 * the contracts of the store.h functions of the same name.
 */
#ifndef USERCGI_STORE_IMPL_H
#define USERCGI_STORE_IMPL_H

#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>

#include <json-c/json.h>

#include "buf.h"
#include "phone.h"
#include "store.h"

#define STORE_SCHEMA_VERSION	4	/* both backends record it */
#define STORE_IDEM_PURGE	16	/* expired keys deleted per claim */
#define STORE_MAX_JSON		(1024 * 1024)	/* a merged JSON column */

struct store_keys;
struct store_job;

struct store_ops {
	const char	*name;
	enum usercgi_err (*open)(const char *, const struct store_opts *,
		    struct store **);
	void		(*close)(struct store *);
	enum usercgi_err (*probe)(const char *, const struct store_opts *,
		    int *);
	enum usercgi_err (*find_conflict)(struct store *, const char *,
		    const char *, const char *);
	/* u's id is checked and k its keys (store_keys_set) by store.c. */
	enum usercgi_err (*user_insert)(struct store *,
		    const struct store_user *, const struct store_keys *);
	enum usercgi_err (*user_get)(struct store *, const char *,
		    struct store_user *);
	enum usercgi_err (*user_rehash)(struct store *, const char *,
		    const char *, const char *, const char *, int64_t);
	void		(*set_group)(struct store *, struct store_group *);
	/*
	 * Runs a batch of the group commit (store_group_insert) on s, the
	 * leader's store, and sets every job's rc.  *writer is the group's
	 * own store, NULL until the backend opens one there (the group
	 * closes it); a backend may run every batch on s instead.
	 */
	void		(*insert_batch)(struct store *, struct store **,
		    struct store_job *);
	enum usercgi_err (*token_known)(struct store *,
		    const unsigned char *, int64_t, int *);
	enum usercgi_err (*token_remember)(struct store *,
		    const unsigned char *, int64_t, int64_t);
	enum usercgi_err (*find_update_conflict)(struct store *, const char *,
		    const char *, const char *, const char *);
	enum usercgi_err (*user_update)(struct store *, const char *,
		    const struct store_patch *, int64_t, struct store_user *);
	enum usercgi_err (*user_delete)(struct store *, const char *);
	enum usercgi_err (*identity_set)(struct store *, const char *,
		    const char *, const char *, const char *, int64_t, int *,
		    char **);
	enum usercgi_err (*identity_remove)(struct store *, const char *,
		    const char *, int64_t, struct store_user *);
	enum usercgi_err (*user_list)(struct store *,
		    const struct store_query *, struct store_user **, size_t *,
		    int64_t *);
	enum usercgi_err (*idem_claim)(struct store *,
		    const struct store_idem *, enum store_idem_state *, int *,
		    char **);
	enum usercgi_err (*idem_answer)(struct store *,
		    const struct store_idem *, int, const char *, size_t);
	void		(*idem_release)(struct store *,
		    const struct store_idem *);
};

extern const struct store_ops store_sqlite_ops;

/*
 * The PostgreSQL store is a module of its own, usercgi-pg.so (store_pg.c),
 * that store.c loads with dlopen() for the first PostgreSQL database: a
 * process on SQLite never maps libpq and the twenty-odd libraries it
 * needs (Kerberos, LDAP, ...), which would otherwise cost every plain CGI
 * exec their loading.  The module calls back into the program that loads
 * it (buf.h, log.h, the helpers below), whose symbols are exported for it
 * (-Wl,--export-dynamic).  Its one entry, STORE_PG_ENTRY, returns its
 * operations, or NULL when version or the size of struct store_ops is
 * not its own (a module from another build).
 */
#define STORE_PG_ENTRY		"store_pg_module"
typedef const struct store_ops *store_pg_module_fn(const char *version,
	    size_t ops_size);
const struct store_ops *store_pg_module(const char *version, size_t ops_size);

/*
 * Group commit (store.h's struct store_group): one queued insert, on its
 * caller's stack.  The leader sets rc and done before it posts wake.
 */
struct store_job {
	const struct store_user	*u;
	const struct store_keys	*k;
	enum usercgi_err	 rc;
	int			 done;
	sem_t			 wake;	/* posted once: done, or lead */
	struct store_job	*next;	/* the rest of the queue or batch */
};

/* The queue of a group commit; store.c's functions alone change it. */
struct store_group {
	pthread_mutex_t		 mu;
	struct store_job	*head;	/* queued rows, oldest first */
	struct store_job	**tailp;
	size_t			 nqueued;
	int			 leading;	/* a batch is running */
	struct store		*writer;	/* owned: the backend's own, or
						   NULL; used by the leader */
	unsigned long		 batches;	/* committed or failed */
	size_t			 max_batch;	/* largest batch so far */
};

/*
 * Queues the insert of u (keys k) in g and waits until a batch holding it
 * has run through s's insert_batch, leading that batch (on s) when no
 * other thread is.  Returns the row's result, with store_user_insert's
 * contract.  A backend's user_insert calls it when its store has a group.
 */
enum usercgi_err store_group_insert(struct store_group *g, struct store *s,
	    const struct store_user *u, const struct store_keys *k);

/* The key columns of a row, computed in C (NULL for a NULL value). */
struct store_keys {
	char		*email;		/* owned */
	const char	*phone;		/* NULL or pbuf */
	char		*username;	/* owned */
	char		*name;		/* owned */
	char		 pbuf[PHONE_BUFSZ];
};

/*
 * The uniqueness key of a phone (phone.h) into out (PHONE_BUFSZ bytes);
 * digits that do not parse are their own key.  Returns USERCGI_OK,
 * USERCGI_NOMEM or USERCGI_INTERNAL.
 */
enum usercgi_err store_phone_key(const char *phone, char out[PHONE_BUFSZ]);

/*
 * Sets the key columns of k for the given values (NULL or "" gives a NULL
 * key).  Returns USERCGI_OK, USERCGI_NOMEM or USERCGI_INTERNAL; free k
 * with store_keys_free either way.
 */
enum usercgi_err store_keys_set(struct store_keys *k, const char *email,
	    const char *phone, const char *username, const char *name);
void	store_keys_free(struct store_keys *k);

/*
 * The columns of an idempotency key (store_idem) as lowercase hex,
 * NUL-terminated: what both backends store.
 */
struct store_idem_hex {
	char	key[STORE_IDEM_KEY * 2 + 1];
	char	fingerprint[STORE_IDEM_KEY * 2 + 1];
	char	owner[STORE_IDEM_OWNER * 2 + 1];
};
void	store_idem_hex(const struct store_idem *k, struct store_idem_hex *h);

/* "" is NULL for the scalars of a patch. */
const char *store_nz(const char *v);

/*
 * Returns USERCGI_INTERNAL (logged) when p is not a patch that
 * store_user_update accepts, else USERCGI_OK.
 */
enum usercgi_err store_patch_check(const struct store_patch *p);

/*
 * Parses a stored or given JSON object text.  Returns USERCGI_OK with
 * *o (caller puts), USERCGI_NOMEM, or USERCGI_INTERNAL (not an object).
 */
enum usercgi_err store_json_object(const char *t, struct json_object **o);

/* Serialises o as JSON text (caller frees); NULL with *err set. */
char	*store_json_text(struct json_object *o, enum usercgi_err *err);

/*
 * The shallow merge of store_patch: stored's members with patch's laid
 * over them, keys (when not NULL) first in their order.  Returns the
 * JSON text (caller frees) or NULL with *err set.
 */
char	*store_merge(const char *stored, const char *patch,
	    const char *const *keys, enum usercgi_err *err);

/*
 * The logto_config text of a row (len bytes, NULL for none) into *c, and
 * c as that text (caller frees; NULL on allocation failure).
 */
void	 store_logto_config_read(const char *t, size_t len,
	    struct store_logto_config *c);
char	*store_logto_config_text(const struct store_logto_config *c);

/* The logto configuration of cur with the set (>= 0) members of p applied. */
void	 store_logto_config_apply(struct store_logto_config *c,
	    const struct store_logto_config *p);

/*
 * Checks every group and pattern of q as the search reads it.  Returns
 * USERCGI_OK, USERCGI_BAD_PATTERN, USERCGI_NOMEM or USERCGI_INTERNAL (a
 * malformed group).
 */
enum usercgi_err store_check_patterns(const struct store_query *q);

/*
 * A statement built from fixed fragments and parameters: the backends'
 * dynamic SQL (searches, partial updates).  Client text only ever
 * becomes a parameter.  Placeholders are "?" (SQLite) or, with dollar
 * set, "$n::type" (PostgreSQL, whose parameters are all text: an integer
 * is queued as its decimal text).  After the first failure every call is
 * a no-op and err keeps it.
 */
#define STORE_SQLB_MAX_ARGS	512

struct store_sqlb_arg {
	const char	*text;		/* NULL binds NULL */
	size_t		 len;
	int64_t		 i;
	int		 is_int;	/* SQLite only */
};

struct store_sqlb {
	struct buf		 sql;
	struct store_sqlb_arg	 args[STORE_SQLB_MAX_ARGS];
	size_t			 nargs;
	char			*owned[STORE_SQLB_MAX_ARGS];	/* freed with b */
	size_t			 nowned;
	int			 dollar;
	enum usercgi_err	 err;
};

void	store_sqlb_init(struct store_sqlb *b, int dollar);
void	store_sqlb_free(struct store_sqlb *b);
/* Appends a fixed fragment. */
void	store_sqlb_sql(struct store_sqlb *b, const char *frag);
/* Hands p (malloc'd, may be NULL) to the builder, which frees it. */
void	store_sqlb_own(struct store_sqlb *b, char *p);
/*
 * Appends a placeholder for text t (len bytes, NUL-terminated for
 * PostgreSQL) cast to type (PostgreSQL only), owned by b when own.
 */
void	store_sqlb_text(struct store_sqlb *b, const char *t, size_t len,
	    const char *type, int own);
/* store_sqlb_text of a NUL-terminated t (NULL allowed). */
void	store_sqlb_arg(struct store_sqlb *b, const char *t, const char *type,
	    int own);
/* store_sqlb_arg of t as text, not owned. */
void	store_sqlb_str(struct store_sqlb *b, const char *t);
void	store_sqlb_int(struct store_sqlb *b, int64_t v);
/* Appends " col = " (", col = " after the first); the caller adds the value. */
void	store_sqlb_set(struct store_sqlb *b, int *first, const char *col);
/* Returns the Unicode-lowercased copy of v, owned by b; NULL on failure. */
const char *store_sqlb_lower(struct store_sqlb *b, const char *v);
/* Appends "col IN (...)" for the values of g (lowercased when lower). */
void	store_sqlb_in(struct store_sqlb *b, const char *col,
	    const struct store_qgroup *g, int lower);
/*
 * The columns of a searched field f (store_qcols[f]): the key column
 * (lowercased; the column itself for id and phone, which have no case)
 * and the value column; raw_indexed when the value column has an index
 * of its own.
 */
struct store_qcol {
	const char	*key, *raw;
	int		 raw_indexed;
};
extern const struct store_qcol store_qcols[STORE_QF_NAME + 1];
/*
 * Appends the exact-match condition of field f for group g: an IN on the
 * key column (case-insensitive, cs 0), on an indexed value column, or
 * both.
 */
void	store_sqlb_exact(struct store_sqlb *b, enum store_qfield f,
	    const struct store_qgroup *g, int cs);
/*
 * The backend's condition of field f (never STORE_QF_ALL) for group g,
 * cs the query's case sensitivity.
 */
typedef void store_where_fn(struct store_sqlb *b, enum store_qfield f,
	    const struct store_qgroup *g, int cs);
/*
 * Appends prefix and, when q has groups, " WHERE " and its condition:
 * the groups joined by AND (joint_and) or OR, a STORE_QF_ALL group the
 * OR of every field, each field's condition from where.
 */
void	store_sqlb_where(struct store_sqlb *b, const struct store_query *q,
	    const char *prefix, store_where_fn *where);

#endif
