/*
 * Tests of the MongoDB backend of mgr_store against a real FerretDB 1.24
 * with its SQLite backend, which the test starts as a child process on a
 * unix socket in a temporary folder: the contract of mgr_store.h
 * (test_store.h) with a new database per test, then the document layout,
 * the size limit, damaged documents, password masking, and a server that
 * is killed and restarted.
 *
 * ferretdb must be on PATH; scripts/setup installs it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mongoc/mongoc.h>

#include "mgr_store.h"
#include "test_store.h"

#define FERRETDB_VERSION "v1.24."
#define INSTALL_HINT                                                           \
	"install FerretDB v1.24.2 with scripts/setup, which builds it with "   \
	"the Go toolchain"

/* Polls for the socket every 50 ms, at most 400 times (20 s). */
#define START_POLLS   400
#define START_POLL_NS 50000000L
#define SECRET        "s3cr3t-pw"
#define MIB           (1u << 20)

typedef struct ferretdb {
	pid_t pid;
	char dir[64];  /* state folder; SQLite files are in dir/data */
	char sock[96]; /* dir/ferretdb.sock, short enough for sun_path */
} ferretdb;

typedef struct mongo_env {
	char tmp[32];    /* /tmp/test_store_mongo.XXXXXX */
	ferretdb server; /* the group's server */
	ferretdb other;  /* the killed and restarted server */
	int databases;   /* databases used so far, one per test */
} mongo_env;

/* Removes path and everything under it. */
static void
remove_tree(const char *path)
{
	struct stat st;
	struct dirent *e;
	char child[4096];
	DIR *d;

	if (lstat(path, &st) != 0) {
		return;
	}
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") != 0 &&
			    strcmp(e->d_name, "..") != 0) {
				snprintf(child, sizeof(child), "%s/%s", path,
				    e->d_name);
				remove_tree(child);
			}
		}
		closedir(d);
		rmdir(path);
		return;
	}
	unlink(path);
}

/* Returns 0 when `ferretdb --version` reports FERRETDB_VERSION. */
static int
ferretdb_check_installed(void)
{
	char line[256];
	int found = 0;
	FILE *p = popen("ferretdb --version 2>&1", "r");

	if (p == NULL) {
		fprintf(stderr, "cannot run ferretdb --version: %s; %s\n",
		    strerror(errno), INSTALL_HINT);
		return -1;
	}
	while (fgets(line, sizeof(line), p) != NULL) {
		if (strncmp(line, "version: " FERRETDB_VERSION,
		        strlen("version: " FERRETDB_VERSION)) == 0) {
			found = 1;
		}
	}
	if (pclose(p) != 0 || !found) {
		fprintf(stderr,
		    "ferretdb is not on PATH, or `ferretdb --version` does "
		    "not report %sx; %s\n",
		    FERRETDB_VERSION, INSTALL_HINT);
		return -1;
	}
	return 0;
}

/* Prints the end of the server's log to stderr. */
static void
ferretdb_print_log(const ferretdb *f)
{
	char path[256];
	char buf[4096];
	size_t n;
	FILE *log;

	snprintf(path, sizeof(path), "%s/ferretdb.log", f->dir);
	if ((log = fopen(path, "r")) == NULL) {
		return;
	}
	if (fseek(log, -(long)sizeof(buf) + 1, SEEK_END) != 0) {
		rewind(log);
	}
	n = fread(buf, 1, sizeof(buf) - 1, log);
	buf[n] = '\0';
	fprintf(stderr, "end of %s:\n%s\n", path, buf);
	fclose(log);
}

static void
ferretdb_exec(const ferretdb *f)
{
	char sqlite[192];
	char unix_arg[192];
	char state[160];
	char log[192];
	int fd;

	/* Stops the server when the test process dies before teardown. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);

	snprintf(log, sizeof(log), "%s/ferretdb.log", f->dir);
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	snprintf(sqlite, sizeof(sqlite), "--sqlite-url=file:%s/data/", f->dir);
	snprintf(unix_arg, sizeof(unix_arg), "--listen-unix=%s", f->sock);
	snprintf(state, sizeof(state), "--state-dir=%s", f->dir);

	/* An empty --listen-addr turns the TCP listener off; the debug
	 * HTTP server takes a free loopback port. */
	execlp("ferretdb", "ferretdb", "--handler=sqlite", sqlite,
	    "--listen-addr=", unix_arg, state, "--telemetry=disable",
	    "--debug-addr=127.0.0.1:0", "--log-level=WARN", (char *)NULL);
	_exit(127);
}

/* Returns 1 when something accepts connections on the socket. */
static int
ferretdb_listening(const ferretdb *f)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	int ok;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", f->sock);
	ok =
	    fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	if (fd >= 0) {
		close(fd);
	}
	return ok;
}

/* Starts FerretDB on f->dir and waits until it listens. */
static int
ferretdb_start(ferretdb *f)
{
	const struct timespec poll = {0, START_POLL_NS};
	char data[192];
	int status;

	snprintf(f->sock, sizeof(f->sock), "%s/ferretdb.sock", f->dir);
	snprintf(data, sizeof(data), "%s/data", f->dir);
	if (mkdir(f->dir, 0755) != 0 && errno != EEXIST) {
		perror(f->dir);
		return -1;
	}
	if (mkdir(data, 0755) != 0 && errno != EEXIST) {
		perror(data);
		return -1;
	}

	/* A killed server leaves its socket file, and FerretDB does not
	 * listen on a path that exists. */
	unlink(f->sock);

	if ((f->pid = fork()) < 0) {
		perror("fork");
		return -1;
	}
	if (f->pid == 0) {
		ferretdb_exec(f);
	}

	for (int i = 0; i < START_POLLS; i++) {
		if (waitpid(f->pid, &status, WNOHANG) == f->pid) {
			fprintf(stderr, "ferretdb exited with status %d\n",
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			ferretdb_print_log(f);
			f->pid = 0;
			return -1;
		}
		if (ferretdb_listening(f)) {
			return 0;
		}
		nanosleep(&poll, NULL);
	}
	fprintf(stderr, "ferretdb did not listen on %s after %d polls\n",
	    f->sock, START_POLLS);
	ferretdb_print_log(f);
	return -1;
}

/* Kills the server with SIGKILL, as a crash or power loss would. */
static void
ferretdb_kill(ferretdb *f)
{
	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, NULL, 0);
		f->pid = 0;
	}
}

/* Writes a mongodb:// URI for the server's socket into out, with userinfo
 * (may be empty) and the database path (may be empty). */
static void
ferretdb_uri(const ferretdb *f, const char *userinfo, const char *db, char *out,
    size_t size)
{
	size_t n = (size_t)snprintf(out, size, "mongodb://%s", userinfo);

	for (const char *p = f->sock; *p != '\0' && n + 4 < size; p++) {
		if (*p == '/') {
			n += (size_t)snprintf(out + n, size - n, "%%2F");
		} else {
			out[n++] = *p;
		}
	}
	snprintf(out + n, size - n, "/%s", db);
}

static int
group_setup(void **state)
{
	store_env *env;
	mongo_env *me;

	if (ferretdb_check_installed() != 0 ||
	    (env = store_env_new()) == NULL) {
		return -1;
	}
	if ((me = calloc(1, sizeof(*me))) == NULL) {
		store_env_free(env);
		return -1;
	}
	env->backend = me;
	*state = env;

	snprintf(me->tmp, sizeof(me->tmp), "/tmp/test_store_mongo.XXXXXX");
	if (mkdtemp(me->tmp) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(me->server.dir, sizeof(me->server.dir), "%s/server", me->tmp);
	snprintf(me->other.dir, sizeof(me->other.dir), "%s/other", me->tmp);
	return ferretdb_start(&me->server);
}

static int
group_teardown(void **state)
{
	store_env *env = *state;
	mongo_env *me;

	if (env == NULL) {
		return 0;
	}
	me = env->backend;
	ferretdb_kill(&me->server);
	ferretdb_kill(&me->other);
	if (me->tmp[0] != '\0') {
		remove_tree(me->tmp);
	}
	free(me);
	store_env_free(env);
	return 0;
}

/* Points env->spec at a new database on the group's server. */
static int
setup(void **state)
{
	store_env *env = *state;
	mongo_env *me = env->backend;
	char db[32];

	snprintf(db, sizeof(db), "test%d", ++me->databases);
	ferretdb_uri(&me->server, "", db, env->spec, sizeof(env->spec));
	return 0;
}

static int
teardown(void **state)
{
	return 0;
}

/* Opens a client of mongo-c-driver itself on env->spec, to read and
 * change documents behind the store's back. */
static mongoc_client_t *
direct_client(const store_env *env)
{
	bson_error_t e;
	mongoc_uri_t *uri = mongoc_uri_new_with_error(env->spec, &e);
	mongoc_client_t *c;

	if (uri == NULL) {
		fail_msg("invalid URI %s: %s", env->spec, e.message);
	}
	c = mongoc_client_new_from_uri(uri);
	assert_non_null(c);
	mongoc_client_set_error_api(c, MONGOC_ERROR_API_VERSION_2);
	mongoc_uri_destroy(uri);
	return c;
}

/* Finds the document with _id in db.coll, which must exist. */
static bson_t *
direct_find(
    mongoc_client_t *c, const char *db, const char *coll, const char *id)
{
	mongoc_collection_t *col = mongoc_client_get_collection(c, db, coll);
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(id));
	mongoc_cursor_t *cursor;
	const bson_t *doc;
	bson_t *copy = NULL;
	bson_error_t e;

	cursor = mongoc_collection_find_with_opts(col, filter, NULL, NULL);
	if (mongoc_cursor_next(cursor, &doc)) {
		copy = bson_copy(doc);
	} else if (mongoc_cursor_error(cursor, &e)) {
		fail_msg(
		    "finding %s in %s.%s failed: %s", id, db, coll, e.message);
	}
	mongoc_cursor_destroy(cursor);
	bson_destroy(filter);
	mongoc_collection_destroy(col);
	if (copy == NULL) {
		fail_msg("no document %s in %s.%s", id, db, coll);
	}
	return copy;
}

/* Returns the database name of env->spec. */
static const char *
spec_db(const store_env *env)
{
	return strrchr(env->spec, '/') + 1;
}

static void
mongo_document_layout(void **state)
{
	store_env *env = *state;
	const store_snap *snap = &env->snaps[SNAP_2026];
	mgr_store *s = store_open_ok(env, 3);
	mongoc_client_t *c;
	const uint8_t *data;
	bson_subtype_t subtype;
	uint32_t len;
	bson_iter_t it;
	bson_t *doc;

	store_put_ok(s, snap);
	store_set_current_ok(s, snap);
	c = direct_client(env);

	doc = direct_find(c, spec_db(env), "versions", snap->version);
	assert_true(bson_iter_init_find(&it, doc, "created"));
	assert_true(BSON_ITER_HOLDS_INT64(&it));
	assert_int_equal(bson_iter_int64(&it), snap->created);
	assert_true(bson_iter_init_find(&it, doc, "source"));
	assert_string_equal(bson_iter_utf8(&it, NULL), snap->source);
	assert_true(bson_iter_init_find(&it, doc, "bytes"));
	assert_int_equal(bson_iter_int64(&it), snap->len);
	assert_true(bson_iter_init_find(&it, doc, "snapshot"));
	assert_true(BSON_ITER_HOLDS_BINARY(&it));
	bson_iter_binary(&it, &subtype, &len, &data);
	assert_int_equal(subtype, BSON_SUBTYPE_BINARY);
	assert_int_equal(len, snap->len);
	assert_memory_equal(data, snap->enc, len);
	bson_destroy(doc);

	doc = direct_find(c, spec_db(env), "meta", "current");
	assert_true(bson_iter_init_find(&it, doc, "version"));
	assert_string_equal(bson_iter_utf8(&it, NULL), snap->version);
	bson_destroy(doc);

	mongoc_client_destroy(c);
	mgr_store_close(s);
}

static void
mongo_default_database(void **state)
{
	store_env *env = *state;
	mongo_env *me = env->backend;
	const store_snap *snap = &env->snaps[SNAP_SMALL_A];
	mgr_store *s;
	mongoc_client_t *c;
	bson_t *doc;

	/* A URI without a database path uses the database sfmovies. */
	ferretdb_uri(&me->server, "", "", env->spec, sizeof(env->spec));
	s = store_open_ok(env, 3);
	store_put_ok(s, snap);
	c = direct_client(env);
	doc = direct_find(c, "sfmovies", "versions", snap->version);
	bson_destroy(doc);
	mongoc_client_destroy(c);
	mgr_store_close(s);
}

/* Encodes the newest export's rows repeated copies times. */
static void
encode_repeated(store_snap *snap, int copies)
{
	size_t len;
	char *csv = test_data_read(TEST_DATA_NEWEST, &len);
	size_t header;
	char *big;
	size_t n;

	assert_non_null(csv);
	header = (size_t)(strchr(csv, '\n') - csv) + 1;
	big = malloc(header + (len - header) * (size_t)copies);
	assert_non_null(big);
	memcpy(big, csv, header);
	n = header;
	for (int i = 0; i < copies; i++) {
		memcpy(big + n, csv + header, len - header);
		n += len - header;
	}
	assert_int_equal(store_snap_encode(snap, big, n, "repeated.csv", 1), 0);
	free(big);
	free(csv);
}

static void
mongo_size_limit_15_mib(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 3);
	store_snap under = {0};
	store_snap over = {0};
	mgr_version_info *v;
	char err[1024] = "";
	size_t n;

	/* 20 copies of the rows are 14.6 MiB, 21 copies 15.4 MiB. */
	encode_repeated(&under, 20);
	encode_repeated(&over, 21);
	assert_true(under.len <= 15 * MIB);
	assert_true(over.len > 15 * MIB);

	assert_int_equal(
	    mgr_store_put(s, over.enc, over.len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "15 MiB"));
	assert_non_null(strstr(err, over.version));

	store_put_ok(s, &under);
	store_get_equals(s, under.version, &under);
	v = store_list_ok(s, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].version, under.version);
	free(v);

	free(under.enc);
	free(over.enc);
	mgr_store_close(s);
}

static void
mongo_damaged_document_reported(void **state)
{
	store_env *env = *state;
	const store_snap *snap = &env->snaps[SNAP_2025];
	mgr_store *s = store_open_ok(env, 3);
	mongoc_collection_t *col;
	mongoc_client_t *c;
	bson_t *filter;
	bson_t *update;
	uint8_t *copy;
	uint8_t *buf = NULL;
	char err[1024] = "";
	bson_error_t e;
	size_t len;

	store_put_ok(s, snap);
	store_set_current_ok(s, snap);

	/* Flip one bit of the stored CSV. */
	copy = malloc(snap->len);
	assert_non_null(copy);
	memcpy(copy, snap->enc, snap->len);
	copy[snap->len - 1000] ^= 0x01;
	c = direct_client(env);
	col = mongoc_client_get_collection(c, spec_db(env), "versions");
	filter = BCON_NEW("_id", BCON_UTF8(snap->version));
	update = BCON_NEW("$set", "{", "snapshot",
	    BCON_BIN(BSON_SUBTYPE_BINARY, copy, (uint32_t)snap->len), "}");
	if (!mongoc_collection_update_one(
	        col, filter, update, NULL, NULL, &e)) {
		fail_msg("damaging the document failed: %s", e.message);
	}

	assert_int_equal(
	    mgr_store_get(s, snap->version, &buf, &len, err, sizeof(err)), -1);
	assert_null(buf);
	assert_non_null(strstr(err, snap->version));
	assert_non_null(strstr(err, "checksum"));

	err[0] = '\0';
	assert_int_equal(
	    mgr_store_get(s, NULL, &buf, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "checksum"));

	err[0] = '\0';
	assert_int_equal(
	    mgr_store_set_current(s, snap->version, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "checksum"));

	/* Putting the version again replaces the damaged document. */
	store_put_ok(s, snap);
	store_get_equals(s, NULL, snap);

	bson_destroy(update);
	bson_destroy(filter);
	mongoc_collection_destroy(col);
	mongoc_client_destroy(c);
	free(copy);
	mgr_store_close(s);
}

static void
mongo_invalid_document_reported(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 3);
	const char *version = "00000000000000aa";
	mongoc_collection_t *col;
	mongoc_client_t *c;
	mgr_version_info *v = NULL;
	char err[1024] = "";
	bson_error_t e;
	bson_t *doc;
	size_t n;

	store_put_ok(s, &env->snaps[SNAP_SMALL_A]);
	c = direct_client(env);
	col = mongoc_client_get_collection(c, spec_db(env), "versions");
	doc = BCON_NEW("_id", BCON_UTF8(version), "source", BCON_UTF8("x"),
	    "bytes", BCON_INT64(1));
	if (!mongoc_collection_insert_one(col, doc, NULL, NULL, &e)) {
		fail_msg("inserting failed: %s", e.message);
	}

	assert_int_equal(mgr_store_list(s, &v, &n, err, sizeof(err)), -1);
	assert_null(v);
	assert_non_null(strstr(err, version));
	assert_non_null(strstr(err, "created"));

	bson_destroy(doc);
	mongoc_collection_destroy(col);
	mongoc_client_destroy(c);
	mgr_store_close(s);
}

static void
mongo_password_masked(void **state)
{
	store_env *env = *state;
	mongo_env *me = env->backend;
	ferretdb nowhere = {0};
	mgr_store *s = NULL;
	char uri[512];
	char err[1024] = "";

	/* mongo-c-driver quotes the password when it has a bare ':'. */
	ferretdb_uri(
	    &me->server, "sfuser:" SECRET ":x@", "db", uri, sizeof(uri));
	assert_int_equal(mgr_store_open(&s, uri, 3, err, sizeof(err)), -1);
	assert_null(s);
	assert_null(strstr(err, SECRET));
	assert_non_null(strstr(err, "sfuser:***@"));
	assert_non_null(strstr(err, "invalid MongoDB URI"));

	/* A socket that no server listens on. */
	snprintf(nowhere.sock, sizeof(nowhere.sock), "%s/none.sock", me->tmp);
	ferretdb_uri(&nowhere, "sfuser:" SECRET "@", "db", uri, sizeof(uri));
	err[0] = '\0';
	assert_int_equal(mgr_store_open(&s, uri, 3, err, sizeof(err)), -1);
	assert_null(s);
	assert_null(strstr(err, SECRET));
	assert_non_null(strstr(err, "sfuser:***@"));
	assert_non_null(strstr(err, "cannot reach"));
}

static void
mongo_invalid_uri(void **state)
{
	mgr_store *s = NULL;
	char err[1024] = "";

	assert_int_equal(
	    mgr_store_open(&s, "mongodb://", 3, err, sizeof(err)), -1);
	assert_null(s);
	assert_non_null(strstr(err, "invalid MongoDB URI mongodb://"));
}

/* Starts the second server for mongo_server_killed. */
static int
setup_other(void **state)
{
	store_env *env = *state;
	mongo_env *me = env->backend;

	if (ferretdb_start(&me->other) != 0) {
		return -1;
	}
	ferretdb_uri(&me->other, "", "killed", env->spec, sizeof(env->spec));
	return 0;
}

/* Kills the second server, also when the test failed. */
static int
teardown_other(void **state)
{
	store_env *env = *state;
	mongo_env *me = env->backend;

	ferretdb_kill(&me->other);
	return 0;
}

static void
mongo_server_killed(void **state)
{
	store_env *env = *state;
	mongo_env *me = env->backend;
	const store_snap *a = &env->snaps[SNAP_SMALL_A];
	const store_snap *b = &env->snaps[SNAP_SMALL_B];
	mgr_store *s = store_open_ok(env, 3);
	mgr_store *again = NULL;
	mgr_version_info *v = NULL;
	uint8_t *buf = NULL;
	char err[1024];
	size_t len;
	size_t n;
	int rv = -1;

	store_put_ok(s, a);
	store_set_current_ok(s, a);
	ferretdb_kill(&me->other);

	/* Every call fails, and returns (the timeouts are bounded). */
	err[0] = '\0';
	assert_int_equal(
	    mgr_store_put(s, b->enc, b->len, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
	err[0] = '\0';
	assert_int_equal(
	    mgr_store_get(s, NULL, &buf, &len, err, sizeof(err)), -1);
	assert_null(buf);
	assert_true(err[0] != '\0');
	err[0] = '\0';
	assert_int_equal(
	    mgr_store_set_current(s, a->version, err, sizeof(err)), -1);
	err[0] = '\0';
	assert_int_equal(mgr_store_list(s, &v, &n, err, sizeof(err)), -1);
	err[0] = '\0';
	assert_int_equal(
	    mgr_store_open(&again, env->spec, 3, err, sizeof(err)), -1);
	assert_null(again);
	assert_non_null(strstr(err, "cannot reach"));

	/* The data survives a restart on the same folder. */
	assert_int_equal(ferretdb_start(&me->other), 0);
	again = store_open_ok(env, 3);
	store_get_equals(again, NULL, a);
	v = store_list_ok(again, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].version, a->version);
	assert_int_equal(v[0].current, 1);
	free(v);
	mgr_store_close(again);

	/* The store that was open through the crash reconnects; its client
	 * pool may need a few server selection rounds to see the server. */
	for (int i = 0; i < 10 && rv != 0; i++) {
		rv = mgr_store_put(s, b->enc, b->len, err, sizeof(err));
	}
	if (rv != 0) {
		fail_msg("the old store did not reconnect: %s", err);
	}
	store_get_equals(s, b->version, b);
	mgr_store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_CONTRACT_TESTS(setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        mongo_document_layout, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        mongo_default_database, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        mongo_size_limit_15_mib, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        mongo_damaged_document_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        mongo_invalid_document_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        mongo_password_masked, setup, teardown),
	    cmocka_unit_test(mongo_invalid_uri),
	    cmocka_unit_test_setup_teardown(
	        mongo_server_killed, setup_other, teardown_other),
	};

	mongoc_init();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
