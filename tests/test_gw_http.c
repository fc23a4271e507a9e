/*
 * The gateway over HTTP: a real query node serving the April 2026 DataSF
 * export and the real gateway run as child processes on loopback, checked
 * with libcurl. Expected values were counted from the CSV with Python's
 * csv module: 7 films name Clint Eastwood, 6 of them as an actor; Escape
 * From Alcatraz (1979) has the one location "Alcatraz Island"; the
 * location nearest 37.8199,-122.4783 is the Golden Gate Bridge; 7
 * locations lie inside 37.82,-122.43,37.83,-122.41.
 *
 * The children die with this process (PR_SET_PDEATHSIG), and the group
 * teardown stops them and waits, so none outlives a failed run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "test_data.h"

#ifndef GW_TEST_SFMOVIES
#error "GW_TEST_SFMOVIES must name the sfmovies binary"
#endif
#ifndef GW_TEST_GATEWAY
#error "GW_TEST_GATEWAY must name the gateway program"
#endif

typedef struct env {
	char dir[64];
	char node_url[128];
	char base[64]; /* http://127.0.0.1:PORT */
	pid_t node;
	pid_t gateway;
} env;

typedef struct reply {
	long status;
	char *body;
	size_t len;
	char headers[8192];
	size_t hlen;
} reply;

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* Starts argv with stdout and stderr appended to log. */
static pid_t
spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Stops a child: SIGTERM, up to 5 s, then SIGKILL. Returns its status. */
static int
stop_child(pid_t pid)
{
	int status = 0;

	if (pid <= 0) {
		return -1;
	}
	kill(pid, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			return status;
		}
		sleep_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

static int
free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int port;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		return -1;
	}
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	reply *r = arg;
	char *grown = realloc(r->body, r->len + size * n + 1);

	if (grown == NULL) {
		return 0;
	}
	r->body = grown;
	memcpy(r->body + r->len, p, size * n);
	r->len += size * n;
	r->body[r->len] = '\0';
	return size * n;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	reply *r = arg;
	size_t len = size * n;

	if (r->hlen + len < sizeof(r->headers)) {
		memcpy(r->headers + r->hlen, p, len);
		r->hlen += len;
		r->headers[r->hlen] = '\0';
	}
	return len;
}

/* Sends one request; headers is NULL-terminated or NULL. */
static void
fetch(const env *e, const char *method, const char *path,
    const char *const *headers, reply *r)
{
	struct curl_slist *list = NULL;
	char url[65536];
	CURL *c = curl_easy_init();

	memset(r, 0, sizeof(*r));
	r->body = calloc(1, 1);
	snprintf(url, sizeof(url), "%s%s", e->base, path);
	for (const char *const *h = headers; h != NULL && *h != NULL; h++) {
		list = curl_slist_append(list, *h);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	if (curl_easy_perform(c) == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	}
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
}

static void
get(const env *e, const char *path, reply *r)
{
	fetch(e, "GET", path, NULL, r);
}

static void
reply_free(reply *r)
{
	free(r->body);
	r->body = NULL;
}

/* Returns the value of header name (case-insensitive), copied, or "". */
static const char *
header(const reply *r, const char *name, char *out, size_t len)
{
	size_t n = strlen(name);
	const char *p = r->headers;

	out[0] = '\0';
	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			size_t vlen;

			while (*v == ' ') {
				v++;
			}
			vlen = strcspn(v, "\r\n");
			snprintf(out, len, "%.*s", (int)vlen, v);
			break;
		}
	}
	return out;
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static int
run_and_wait(char *const argv[], const char *log)
{
	pid_t pid = spawn(argv, log);
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int
start_node(env *e)
{
	char snap[128];
	char log[128];
	char *argv[] = {GW_TEST_SFMOVIES, "node", "--listen", e->node_url,
	    "--snapshot", snap, "--id", "test-node", NULL};

	snprintf(snap, sizeof(snap), "%s/snap.pb", e->dir);
	snprintf(log, sizeof(log), "%s/node.log", e->dir);
	e->node = spawn(argv, log);
	return e->node > 0 ? 0 : -1;
}

static int
wait_ready(env *e, long want)
{
	/* Bounded: 200 tries of 50 ms. */
	for (int i = 0; i < 200; i++) {
		reply r;

		get(e, "/readyz", &r);
		reply_free(&r);
		if (r.status == want) {
			return 0;
		}
		sleep_ms(50);
	}
	return -1;
}

/* Stands in for a poster: JPEG's first bytes, then text, so that the
 * test can compare the body as a string. */
#define POSTER_BYTES "\xff\xd8\xff\xe0 poster of Escape From Alcatraz"

static int
setup(void **state)
{
	static env e;
	char csv[512];
	char snap[128];
	char log[128];
	char ui[128];
	char path[256];
	char listen[64];
	char openapi[128];
	char posters[128];
	int port;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(e.dir, sizeof(e.dir), "/tmp/test_gw_http.XXXXXX");
	if (mkdtemp(e.dir) == NULL) {
		return -1;
	}
	if (getenv("SFMOVIES_DATA_DIR") == NULL) {
		print_error("SFMOVIES_DATA_DIR is not set\n");
		return -1;
	}
	snprintf(csv, sizeof(csv), "%s/%s", getenv("SFMOVIES_DATA_DIR"),
	    TEST_DATA_NEWEST);
	snprintf(snap, sizeof(snap), "%s/snap.pb", e.dir);
	snprintf(log, sizeof(log), "%s/build.log", e.dir);
	{
		char *argv[] = {GW_TEST_SFMOVIES, "dataset", "build", csv, "-o",
		    snap, NULL};

		if (run_and_wait(argv, log) != 0) {
			print_error("snapshot build failed; see %s\n", log);
			return -1;
		}
	}

	snprintf(ui, sizeof(ui), "%s/ui", e.dir);
	mkdir(ui, 0700);
	snprintf(path, sizeof(path), "%s/index.html", ui);
	write_text(path, "<!doctype html><title>test page</title>\n");
	snprintf(path, sizeof(path), "%s/secret.txt", e.dir);
	write_text(path, "outside the ui folder\n");
	snprintf(path, sizeof(path), "%s/out.txt", ui);
	if (symlink("../secret.txt", path) != 0) {
		return -1;
	}
	snprintf(openapi, sizeof(openapi), "%s/openapi.yaml", e.dir);
	write_text(openapi, "openapi: 3.0.3\n");
	snprintf(posters, sizeof(posters), "%s/posters", e.dir);
	mkdir(posters, 0700);
	snprintf(path, sizeof(path), "%s/tt0079116.jpg", posters);
	write_text(path, POSTER_BYTES);

	snprintf(e.node_url, sizeof(e.node_url), "ipc://%s/node.ipc", e.dir);
	if ((port = free_port()) < 0 || start_node(&e) != 0) {
		return -1;
	}
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(e.base, sizeof(e.base), "http://127.0.0.1:%d", port);
	snprintf(log, sizeof(log), "%s/gateway.log", e.dir);
	{
		char *argv[] = {GW_TEST_GATEWAY, "--listen", listen, "--node",
		    e.node_url, "--ui", ui, "--openapi", openapi, "--posters",
		    posters, "--threads", "2", "--rpc-timeout", "500", NULL};

		e.gateway = spawn(argv, log);
	}
	if (e.gateway < 0 || wait_ready(&e, 200) != 0) {
		print_error(
		    "the gateway did not become ready; see %s\n", e.dir);
		return -1;
	}
	*state = &e;
	return 0;
}

static int
teardown(void **state)
{
	env *e = *state;
	char cmd[128];
	int status;

	if (e == NULL) {
		return 0;
	}
	status = stop_child(e->gateway);
	stop_child(e->node);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	if (system(cmd) != 0) {
		return -1;
	}
	curl_global_cleanup();
	/* SIGTERM must stop the gateway cleanly, with exit status 0. */
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void
test_search_clint_eastwood(void **state)
{
	env *e = *state;
	char value[256];
	const char *film;
	reply r;

	get(e, "/search?q=clint%20eastwood", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(header(&r, "Content-Type", value, sizeof(value)),
	    "application/json");
	assert_non_null(strstr(r.body,
	    "{\"total\":7,\"offset\":0,"
	    "\"limit\":20,\"hits\":["));
	film =
	    strstr(r.body, "\"title\":\"Escape From Alcatraz\",\"year\":1979");
	assert_non_null(film);
	/* Its hit lists its one location. */
	assert_non_null(strstr(film, "\"location_count\":1,"));
	assert_non_null(strstr(film, "\"poster\":null},\"locations\":[{"));
	assert_non_null(strstr(film, "\"text\":\"Alcatraz Island\""));
	reply_free(&r);
}

static void
test_complete_clint_east(void **state)
{
	env *e = *state;
	reply r;

	get(e, "/complete?term=clint%20east", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body,
	    "{\"term\":\"clint east\",\"suggestions\":"
	    "[{\"text\":\"Clint Eastwood\",\"kind\":"
	    "\"actor\",\"films\":6}"));
	reply_free(&r);
}

static void
test_near_golden_gate(void **state)
{
	env *e = *state;
	reply r;

	get(e, "/near?lat=37.8199&lng=-122.4783&limit=3", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"locations\":[{"));
	/* The nearest comes first. */
	assert_true(strstr(r.body, "\"text\":\"Golden Gate Bridge\"") <
	    strstr(r.body, "},{"));
	assert_non_null(strstr(r.body, "\"distance_m\":"));
	reply_free(&r);
}

static void
test_box_alcatraz(void **state)
{
	env *e = *state;
	reply a;
	reply b;

	get(e, "/box?bbox=37.82,-122.43,37.83,-122.41", &a);
	assert_int_equal(a.status, 200);
	assert_non_null(strstr(a.body, "{\"total\":7,\"locations\":["));
	assert_non_null(strstr(a.body,
	    "\"film_title\":\"Escape From "
	    "Alcatraz\""));

	get(e, "/box?south=37.82&west=-122.43&north=37.83&east=-122.41", &b);
	assert_int_equal(b.status, 200);
	assert_string_equal(a.body, b.body);
	reply_free(&a);
	reply_free(&b);
}

static void
test_movie_and_its_location(void **state)
{
	env *e = *state;
	char path[128];
	char id[17];
	const char *p;
	reply r;

	get(e, "/movies/escape-from-alcatraz-1979", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body,
	    "{\"film\":{\"id\":\"escape-from-"
	    "alcatraz-1979\""));
	p = strstr(r.body, "\"locations\":[{\"id\":\"");
	assert_non_null(p);
	p += strlen("\"locations\":[{\"id\":\"");
	memcpy(id, p, 16);
	id[16] = '\0';
	reply_free(&r);

	snprintf(path, sizeof(path), "/scenes/%s", id);
	get(e, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"text\":\"Alcatraz Island\""));
	assert_non_null(strstr(r.body,
	    "\"film\":{\"id\":\"escape-from-"
	    "alcatraz-1979\""));
	reply_free(&r);

	snprintf(path, sizeof(path), "/locations/%s", id);
	get(e, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"text\":\"Alcatraz Island\""));
	reply_free(&r);
}

static void
test_jsonp(void **state)
{
	env *e = *state;
	char value[256];
	reply r;

	get(e, "/complete?term=clint%20east&callback=jQuery.cb_1", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(header(&r, "Content-Type", value, sizeof(value)),
	    "application/javascript; charset=utf-8");
	assert_string_equal(
	    header(&r, "X-Content-Type-Options", value, sizeof(value)),
	    "nosniff");
	assert_int_equal(strncmp(r.body, "/**/jQuery.cb_1({\"term\":", 24), 0);
	assert_string_equal(r.body + r.len - 4, "]});");
	reply_free(&r);

	/* An error under JSONP is wrapped and keeps its status. */
	get(e, "/near?lat=x&lng=1&callback=cb", &r);
	assert_int_equal(r.status, 400);
	assert_int_equal(strncmp(r.body, "/**/cb({\"error\":", 16), 0);
	reply_free(&r);

	get(e, "/search?q=x&callback=alert(1)", &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(header(&r, "Content-Type", value, sizeof(value)),
	    "application/json");
	assert_non_null(strstr(r.body, "\"parameter\":\"callback\""));
	reply_free(&r);
}

typedef struct bad_request {
	const char *path;
	const char *parameter;
} bad_request;

static void
test_bad_requests_name_parameter(void **state)
{
	static const bad_request cases[] = {
	    {"/near?lat=91&lng=0", "lat"},
	    {"/near?lat=1", "lng"},
	    {"/near?lat=1&lng=2&radius=-5", "radius"},
	    {"/near?lat=1&lng=2&limit=0", "limit"},
	    {"/complete", "term"},
	    {"/search?year_min=1700", "year_min"},
	    {"/search?offset=x", "offset"},
	    {"/box?bbox=1,2,3", "bbox"},
	    {"/box?west=1&north=2&east=3", "south"},
	    {"/movies/a%20b", "id"},
	    {"/locations/123", "id"},
	};
	env *e = *state;
	char want[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reply r;

		get(e, cases[i].path, &r);
		print_message(
		    "%s -> %ld %s\n", cases[i].path, r.status, r.body);
		assert_int_equal(r.status, 400);
		snprintf(want, sizeof(want), "\"parameter\":\"%s\"",
		    cases[i].parameter);
		assert_non_null(strstr(r.body, want));
		assert_non_null(
		    strstr(r.body, "\"code\":\"invalid_argument\""));
		reply_free(&r);
	}
}

static void
test_node_rejection_names_parameter(void **state)
{
	env *e = *state;
	reply r;

	/* 17 words: valid bytes for the gateway, too many words for the
	 * node, which names q. */
	get(e,
	    "/search?q=a%20b%20c%20d%20e%20f%20g%20h%20i%20j%20k%20l%20m%20"
	    "n%20o%20p%20q",
	    &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "\"parameter\":\"q\""));
	reply_free(&r);
}

static void
test_not_found_and_method(void **state)
{
	env *e = *state;
	char value[256];
	reply r;

	get(e, "/movies/no-such-film-1900", &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(r.body,
	    "{\"error\":{\"status\":404,\"code\":\"not_found\","
	    "\"message\":\"no film with id "
	    "no-such-film-1900\"}}");
	reply_free(&r);

	get(e, "/no/such/path", &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "\"code\":\"not_found\""));
	reply_free(&r);

	fetch(e, "POST", "/search?q=x", NULL, &r);
	assert_int_equal(r.status, 405);
	assert_string_equal(
	    header(&r, "Allow", value, sizeof(value)), "GET, HEAD, OPTIONS");
	assert_non_null(strstr(r.body, "\"code\":\"method_not_allowed\""));
	reply_free(&r);
}

static void
test_request_too_large(void **state)
{
	env *e = *state;
	char *path = malloc(40100);
	char *big = malloc(17100);
	const char *headers[] = {big, NULL};
	reply r;

	/* The gateway's own JSON answers. */
	memcpy(path, "/search?q=", 10);
	memset(path + 10, 'a', 9000);
	path[9010] = '\0';
	get(e, path, &r);
	assert_int_equal(r.status, 414);
	assert_non_null(strstr(r.body, "\"code\":\"uri_too_long\""));
	reply_free(&r);

	memcpy(big, "X-Big: ", 7);
	memset(big + 7, 'b', 17000);
	big[17007] = '\0';
	fetch(e, "GET", "/healthz", headers, &r);
	assert_int_equal(r.status, 431);
	assert_non_null(
	    strstr(r.body, "\"code\":\"request_header_fields_too_large\""));
	reply_free(&r);

	/* Past libmicrohttpd's 32 KiB pool it answers 414 itself. */
	memset(path + 10, 'a', 40000);
	path[40010] = '\0';
	get(e, path, &r);
	assert_int_equal(r.status, 414);
	reply_free(&r);
	free(path);
	free(big);
}

static void
test_etag_and_304(void **state)
{
	env *e = *state;
	char etag[64];
	char inm[96];
	char value[256];
	const char *headers[] = {inm, NULL};
	reply r;

	get(e, "/search?q=vertigo", &r);
	assert_int_equal(r.status, 200);
	header(&r, "ETag", etag, sizeof(etag));
	assert_int_equal(etag[0], '"');
	assert_string_equal(header(&r, "Cache-Control", value, sizeof(value)),
	    "public, max-age=60");
	reply_free(&r);

	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	fetch(e, "GET", "/search?q=vertigo", headers, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.len, 0);
	assert_string_equal(header(&r, "ETag", value, sizeof(value)), etag);
	reply_free(&r);

	/* The same query spelled differently has the same tag. */
	fetch(e, "GET", "/search?limit=20&q=vertigo&offset=0", headers, &r);
	assert_int_equal(r.status, 304);
	reply_free(&r);

	fetch(e, "GET", "/search?q=vertigo&limit=5", headers, &r);
	assert_int_equal(r.status, 200);
	reply_free(&r);
}

static void
test_cors(void **state)
{
	env *e = *state;
	char value[256];
	reply r;

	get(e, "/complete?term=ver", &r);
	assert_string_equal(
	    header(&r, "Access-Control-Allow-Origin", value, sizeof(value)),
	    "*");
	reply_free(&r);

	fetch(e, "OPTIONS", "/search", NULL, &r);
	assert_int_equal(r.status, 204);
	assert_string_equal(
	    header(&r, "Access-Control-Allow-Origin", value, sizeof(value)),
	    "*");
	assert_string_equal(
	    header(&r, "Access-Control-Allow-Methods", value, sizeof(value)),
	    "GET, HEAD, OPTIONS");
	assert_string_equal(
	    header(&r, "Access-Control-Max-Age", value, sizeof(value)),
	    "86400");
	reply_free(&r);
}

static void
test_gzip(void **state)
{
	static const char *headers[] = {"Accept-Encoding: gzip", NULL};
	env *e = *state;
	char value[256];
	reply plain;
	reply z;
	char *out;
	uLongf out_len;
	z_stream s;

	get(e, "/search?q=clint%20eastwood", &plain);
	assert_true(plain.len > 1024);
	assert_string_equal(
	    header(&plain, "Vary", value, sizeof(value)), "Accept-Encoding");
	fetch(e, "GET", "/search?q=clint%20eastwood", headers, &z);
	assert_int_equal(z.status, 200);
	assert_string_equal(
	    header(&z, "Content-Encoding", value, sizeof(value)), "gzip");
	assert_true(z.len < plain.len);

	out_len = plain.len + 1;
	out = malloc(out_len);
	memset(&s, 0, sizeof(s));
	assert_int_equal(inflateInit2(&s, 15 + 16), Z_OK);
	s.next_in = (Bytef *)z.body;
	s.avail_in = (uInt)z.len;
	s.next_out = (Bytef *)out;
	s.avail_out = (uInt)out_len;
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	assert_int_equal(s.total_out, plain.len);
	assert_memory_equal(out, plain.body, plain.len);
	inflateEnd(&s);
	free(out);
	reply_free(&plain);
	reply_free(&z);
}

/* Reads one sample of the metrics exposition, or -1. */
static long
metric(env *e, const char *series)
{
	const char *p;
	long v = -1;
	reply r;

	get(e, "/metrics", &r);
	if ((p = strstr(r.body, series)) != NULL) {
		v = strtol(p + strlen(series), NULL, 10);
	}
	reply_free(&r);
	return v;
}

static void
test_metrics_count(void **state)
{
	static const char series[] =
	    "sfmovies_gateway_requests_total{endpoint=\"complete\","
	    "code=\"200\"} ";
	env *e = *state;
	long before = metric(e, series);
	reply r;

	for (int i = 0; i < 3; i++) {
		get(e, "/complete?term=golden", &r);
		assert_int_equal(r.status, 200);
		reply_free(&r);
	}
	assert_int_equal(metric(e, series), before + 3);
	assert_true(metric(e, "\nsfmovies_gateway_cache_hits_total ") >= 2);
	assert_int_equal(metric(e, "\nsfmovies_gateway_nodes "), 1);
}

static void
test_static_files(void **state)
{
	static const char *json[] = {"Accept: application/json", NULL};
	env *e = *state;
	char value[256];
	reply r;

	get(e, "/", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(
	    r.body, "<!doctype html><title>test page</title>\n");
	assert_string_equal(header(&r, "Content-Type", value, sizeof(value)),
	    "text/html; charset=utf-8");
	reply_free(&r);

	fetch(e, "GET", "/", json, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"path\":\"/near\""));
	reply_free(&r);

	fetch(e, "HEAD", "/index.html", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
	assert_string_equal(
	    header(&r, "Content-Length", value, sizeof(value)), "40");
	reply_free(&r);

	get(e, "/openapi.yaml", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "openapi: 3.0.3\n");
	reply_free(&r);

	get(e, "/out.txt", &r); /* a link out of the folder */
	assert_int_equal(r.status, 404);
	reply_free(&r);
	get(e, "/%2e%2e/secret.txt", &r);
	assert_int_equal(r.status, 404);
	reply_free(&r);
}

static void
test_status_endpoint(void **state)
{
	env *e = *state;
	reply r;

	get(e, "/status", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"ready\":true"));
	assert_non_null(strstr(r.body, "\"nodes_answering\":1"));
	assert_non_null(strstr(r.body, "\"node_id\":\"test-node\""));
	assert_non_null(strstr(r.body, "\"films\":351,\"locations\":2153"));
	reply_free(&r);
}

/* Runs last: stops the node. */
static void
test_node_down_503(void **state)
{
	env *e = *state;
	char value[64];
	reply r;

	get(e, "/search?q=alcatraz", &r); /* cached while the node is up */
	assert_int_equal(r.status, 200);
	reply_free(&r);

	stop_child(e->node);
	e->node = -1;

	get(e, "/search?q=never%20asked%20before", &r);
	assert_int_equal(r.status, 503);
	assert_string_equal(
	    header(&r, "Retry-After", value, sizeof(value)), "1");
	assert_non_null(strstr(r.body, "\"status\":503"));
	reply_free(&r);

	/* A cached answer needs no node. */
	get(e, "/search?q=alcatraz", &r);
	assert_int_equal(r.status, 200);
	reply_free(&r);

	assert_int_equal(wait_ready(e, 503), 0);
}

/* Sends a GET for path exactly as written, without libcurl's removal of
 * "." and ".." segments. */
static void
get_as_is(const env *e, const char *path, reply *r)
{
	char url[512];
	CURL *c = curl_easy_init();

	memset(r, 0, sizeof(*r));
	r->body = calloc(1, 1);
	snprintf(url, sizeof(url), "%s%s", e->base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	if (curl_easy_perform(c) == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	}
	curl_easy_cleanup(c);
}

static void
test_poster_served(void **state)
{
	env *e = *state;
	char value[256];
	reply r;

	get(e, "/posters/tt0079116.jpg", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(
	    header(&r, "Content-Type", value, sizeof(value)), "image/jpeg");
	assert_string_equal(header(&r, "Cache-Control", value, sizeof(value)),
	    "public, max-age=604800, immutable");
	assert_true(header(&r, "ETag", value, sizeof(value))[0] == '"');
	assert_int_equal(r.len, strlen(POSTER_BYTES));
	assert_memory_equal(r.body, POSTER_BYTES, r.len);
	reply_free(&r);

	/* The same file without the extension. */
	get(e, "/posters/tt0079116", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, strlen(POSTER_BYTES));
	reply_free(&r);
}

static void
test_poster_not_found(void **state)
{
	env *e = *state;
	reply r;

	get(e, "/posters/tt0000001.jpg", &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "\"code\":\"not_found\""));
	assert_non_null(strstr(r.body, "no poster for tt0000001"));
	reply_free(&r);
}

static void
test_poster_rejects_paths(void **state)
{
	static const char *const bad[] = {"/posters/../secret.txt",
	    "/posters/..%2Fsecret.txt", "/posters/tt0079116/../../secret.txt",
	    "/posters/tt12ab.jpg", "/posters/tt.jpg", "/posters/index.html",
	    "/posters/tt0079116.jpg.jpg", "/posters/"};
	env *e = *state;
	reply r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		get_as_is(e, bad[i], &r);
		if (r.status != 400) {
			fail_msg(
			    "%s answered %ld, expected 400", bad[i], r.status);
		}
		assert_null(strstr(r.body, "outside the ui folder"));
		assert_non_null(strstr(r.body, "\"parameter\":\"imdb_id\""));
		reply_free(&r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_search_clint_eastwood),
	    cmocka_unit_test(test_complete_clint_east),
	    cmocka_unit_test(test_near_golden_gate),
	    cmocka_unit_test(test_box_alcatraz),
	    cmocka_unit_test(test_movie_and_its_location),
	    cmocka_unit_test(test_jsonp),
	    cmocka_unit_test(test_bad_requests_name_parameter),
	    cmocka_unit_test(test_node_rejection_names_parameter),
	    cmocka_unit_test(test_not_found_and_method),
	    cmocka_unit_test(test_request_too_large),
	    cmocka_unit_test(test_etag_and_304),
	    cmocka_unit_test(test_cors),
	    cmocka_unit_test(test_gzip),
	    cmocka_unit_test(test_metrics_count),
	    cmocka_unit_test(test_poster_served),
	    cmocka_unit_test(test_poster_not_found),
	    cmocka_unit_test(test_poster_rejects_paths),
	    cmocka_unit_test(test_static_files),
	    cmocka_unit_test(test_status_endpoint),
	    cmocka_unit_test(test_node_down_503),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
