#include "sys_harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>

#include "rpc_client.h"
#include "sfmovies.pb-c.h"

#ifndef SYS_SFMOVIES
#error "SYS_SFMOVIES must name the sfmovies binary"
#endif

/* Deadlines. Start-up is slow under AddressSanitizer on a busy machine:
 * every node imports the export before it replies. */
#define SYS_START_MS   60000
#define SYS_STOP_MS    10000
#define SYS_CLI_MS     60000
#define SYS_HTTP_MS    10000
#define SYS_CONTROL_MS 10000
#define SYS_MAX_ARGS   24
#define SYS_LOG_TAIL   6000 /* bytes of the log printed on failure */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
sys_curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
sys_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

long
sys_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
sys_data_path(const char *name, char *path, size_t len)
{
	const char *dir = getenv("SFMOVIES_DATA_DIR");

	if (dir == NULL || dir[0] == '\0') {
		fprintf(stderr,
		    "SFMOVIES_DATA_DIR is not set; run the tests with ctest, "
		    "or set it to the folder that holds %s\n",
		    name);
		return -1;
	}
	snprintf(path, len, "%s/%s", dir, name);
	if (access(path, R_OK) != 0) {
		fprintf(stderr,
		    "cannot read %s: %s; SFMOVIES_DATA_DIR must name the "
		    "folder with the DataSF exports\n",
		    path, strerror(errno));
		return -1;
	}
	return 0;
}

char *
sys_read_file(const char *path, size_t *len)
{
	struct stat st;
	char *data;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
		if (f != NULL) {
			fclose(f);
		}
		return NULL;
	}
	if ((data = malloc((size_t)st.st_size + 1)) == NULL ||
	    fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		fprintf(stderr, "cannot read %s\n", path);
		free(data);
		fclose(f);
		return NULL;
	}
	fclose(f);
	data[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return data;
}

int
sys_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rv = 0;

	if (f == NULL) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fwrite(data, 1, len, f) != len) {
		rv = -1;
	}
	if (fclose(f) != 0) {
		rv = -1;
	}
	return rv;
}

/* Removes path and everything under it. */
static void
sys_remove_tree(const char *path)
{
	struct dirent *e;
	struct stat st;
	char child[4096];
	DIR *d;

	if (lstat(path, &st) != 0) {
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0) {
				continue;
			}
			snprintf(
			    child, sizeof(child), "%s/%s", path, e->d_name);
			sys_remove_tree(child);
		}
		closedir(d);
	}
	rmdir(path);
}

/* Returns a loopback port that was free a moment ago, or -1. */
static int
sys_free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int port = -1;

	if (fd < 0) {
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0) {
		port = ntohs(a.sin_port);
	}
	close(fd);
	return port;
}

int
sys_service_init(sys_service *s)
{
	int port;

	pthread_once(&curl_once, sys_curl_init);
	memset(s, 0, sizeof(*s));
	snprintf(s->root, sizeof(s->root), "/tmp/sfmovies-sys-XXXXXX");
	if (mkdtemp(s->root) == NULL) {
		fprintf(stderr, "cannot create a temporary folder: %s\n",
		    strerror(errno));
		s->root[0] = '\0';
		return -1;
	}
	if ((port = sys_free_port()) < 0) {
		fprintf(stderr, "cannot find a free loopback port\n");
		return -1;
	}

	/* The run folder is left for up to create with mode 0700. */
	snprintf(s->data_dir, sizeof(s->data_dir), "%s/data", s->root);
	snprintf(s->run_dir, sizeof(s->run_dir), "%s/run", s->root);
	snprintf(s->log_path, sizeof(s->log_path), "%s/up.log", s->root);
	snprintf(
	    s->control, sizeof(s->control), "ipc://%s/control.ipc", s->run_dir);
	snprintf(s->listen, sizeof(s->listen), "127.0.0.1:%d", port);
	snprintf(s->base_url, sizeof(s->base_url), "http://%s", s->listen);
	return 0;
}

/* In a forked child: sends stdout and stderr to log, or to fd when log is
 * NULL. */
static void
sys_child_output(const char *log, int fd)
{
	if (log != NULL) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
	}
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
}

/* Forks argv in a new process group. death_signal reaches the child when
 * this process dies. Returns the pid, or -1. */
static pid_t
sys_fork(char *const argv[], const char *log, int out_fd, int death_signal)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "cannot fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, death_signal);
		if (getppid() != parent) {
			_exit(127); /* the test died before prctl */
		}
		sys_child_output(log, out_fd);
		execv(argv[0], argv);
		_exit(127);
	}
	/* Also set here, so that the group exists before fork returns to a
	 * caller that may signal it. */
	setpgid(pid, pid);
	return pid;
}

/* Returns 1 when pid has exited (a zombie not yet reaped), else 0. */
static int
sys_exited(pid_t pid)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
		return 1; /* not our child any more */
	}
	return info.si_pid == pid;
}

/* Waits, at most timeout_ms, until no process of group pgid is left. The
 * caller has reaped the leader, so the group holds only orphans. */
static void
sys_wait_group_gone(pid_t pgid, long timeout_ms)
{
	long deadline = sys_now_ms() + timeout_ms;

	while (kill(-pgid, 0) == 0 && sys_now_ms() < deadline) {
		sys_sleep_ms(10);
	}
}

void
sys_service_print_log(const sys_service *s)
{
	size_t len;
	char *log = sys_read_file(s->log_path, &len);

	if (log == NULL) {
		return;
	}
	fprintf(stderr, "--- end of %s ---\n%s\n--- end ---\n", s->log_path,
	    len > SYS_LOG_TAIL ? log + len - SYS_LOG_TAIL : log);
	free(log);
}

int
sys_service_log_contains(const sys_service *s, const char *text)
{
	size_t len;
	char *log = sys_read_file(s->log_path, &len);
	int found = log != NULL && strstr(log, text) != NULL;

	free(log);
	return found;
}

/* Waits for /readyz to return 200 while up runs. Returns 0 or -1. */
static int
sys_wait_ready(const sys_service *s, long deadline)
{
	for (;;) {
		sys_reply r;
		long status;

		sys_http_get(s, "/readyz", &r);
		status = r.status;
		sys_reply_free(&r);
		if (status == 200) {
			return 0;
		}
		if (sys_exited(s->pid)) {
			fprintf(stderr, "sfmovies up exited while starting\n");
			return -1;
		}
		if (sys_now_ms() >= deadline) {
			fprintf(stderr,
			    "/readyz did not return 200 within %d ms "
			    "(last status %ld)\n",
			    SYS_START_MS, status);
			return -1;
		}
		sys_sleep_ms(100);
	}
}

int
sys_service_start(sys_service *s, const char *source, unsigned nodes)
{
	char nodes_arg[16];
	long deadline = sys_now_ms() + SYS_START_MS;
	char *argv[] = {SYS_SFMOVIES, "up", "--source", s->source, "--data-dir",
	    s->data_dir, "--run-dir", s->run_dir, "--listen", s->listen,
	    "--nodes", nodes_arg, "--refresh-interval", "0", NULL};

	snprintf(s->source, sizeof(s->source), "%s", source);
	snprintf(nodes_arg, sizeof(nodes_arg), "%u", nodes);
	s->nodes = nodes;

	/* SIGTERM, not SIGKILL, so up stops its own children when the test
	 * process dies. */
	if ((s->pid = sys_fork(argv, s->log_path, -1, SIGTERM)) < 0) {
		s->pid = 0;
		return -1;
	}
	if (sys_wait_ready(s, deadline) != 0 ||
	    sys_wait_converged(s, NULL, nodes, deadline - sys_now_ms()) < 0) {
		fprintf(stderr, "sfmovies up did not start; see the log\n");
		sys_service_print_log(s);
		return -1;
	}
	return 0;
}

void
sys_service_stop(sys_service *s)
{
	long deadline = sys_now_ms() + SYS_STOP_MS;

	if (s->pid <= 0) {
		return;
	}
	kill(s->pid, SIGTERM);
	while (!sys_exited(s->pid) && sys_now_ms() < deadline) {
		sys_sleep_ms(20);
	}

	/* up is not reaped yet, so its group id cannot have been reused. The
	 * signal reaches up if it hangs and any child that it failed to
	 * stop. */
	kill(-s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	sys_wait_group_gone(s->pid, SYS_STOP_MS);
	s->pid = 0;
}

void
sys_service_kill(sys_service *s)
{
	if (s->pid <= 0) {
		return;
	}
	kill(-s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	sys_wait_group_gone(s->pid, SYS_STOP_MS);
	s->pid = 0;
}

int
sys_service_kill_up(sys_service *s, long timeout_ms)
{
	pid_t pgid = s->pid;
	int rv = 0;

	if (pgid <= 0) {
		return 0;
	}
	kill(pgid, SIGKILL);
	waitpid(pgid, NULL, 0);
	s->pid = 0;
	sys_wait_group_gone(pgid, timeout_ms);
	if (kill(-pgid, 0) == 0) {
		kill(-pgid, SIGKILL);
		sys_wait_group_gone(pgid, SYS_STOP_MS);
		rv = -1;
	}
	return rv;
}

void
sys_service_free(sys_service *s, int passed)
{
	if (!passed && s->pid > 0) {
		sys_service_print_log(s);
	}
	sys_service_stop(s);
	if (s->root[0] != '\0') {
		sys_remove_tree(s->root);
		s->root[0] = '\0';
	}
}

int
sys_service_owns(const sys_service *s, long pid)
{
	char path[64], buf[512];
	long ppid = 0;
	char *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL) {
		return 0;
	}
	if (fgets(buf, sizeof(buf), f) == NULL) {
		buf[0] = '\0';
	}
	fclose(f);

	/* The command name may contain spaces; the fields after its closing
	 * bracket are "STATE PPID ...". */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %ld", &ppid) != 1) {
		return 0;
	}
	return s->pid > 0 && ppid == (long)s->pid;
}

/* Sends one ControlRequest and returns the unpacked reply, or NULL. */
static Sfmovies__ControlReply *
sys_control_call(const sys_service *s, const Sfmovies__ControlRequest *req)
{
	Sfmovies__ControlReply *reply = NULL;
	nng_socket sock;
	nng_msg *msg;
	int rv;

	if ((rv = nng_req0_open(&sock)) != 0) {
		return NULL;
	}
	if ((rv = nng_socket_set_ms(sock, NNG_OPT_RECVTIMEO, SYS_CONTROL_MS)) !=
	        0 ||
	    (rv = nng_socket_set_ms(sock, NNG_OPT_SENDTIMEO, SYS_CONTROL_MS)) !=
	        0 ||
	    (rv = nng_dial(sock, s->control, NULL, 0)) != 0 ||
	    (rv = nng_msg_alloc(
	         &msg, sfmovies__control_request__get_packed_size(req))) != 0) {
		nng_close(sock);
		return NULL;
	}
	sfmovies__control_request__pack(req, nng_msg_body(msg));
	if ((rv = nng_sendmsg(sock, msg, 0)) != 0) {
		nng_msg_free(msg);
	} else if ((rv = nng_recvmsg(sock, &msg, 0)) == 0) {
		reply = sfmovies__control_reply__unpack(
		    NULL, nng_msg_len(msg), nng_msg_body(msg));
		nng_msg_free(msg);
	}
	nng_close(sock);
	return reply;
}

int
sys_ctl_status(const sys_service *s, sys_status *st)
{
	Sfmovies__ControlRequest req = SFMOVIES__CONTROL_REQUEST__INIT;
	Sfmovies__ControlReply *reply;

	memset(st, 0, sizeof(*st));
	req.command = SFMOVIES__CONTROL_COMMAND__CONTROL_STATUS;
	if ((reply = sys_control_call(s, &req)) == NULL) {
		return -1;
	}
	snprintf(st->current, sizeof(st->current), "%s",
	    reply->current_version ? reply->current_version : "");
	for (size_t i = 0; i < reply->n_nodes && i < SYS_MAX_NODES; i++) {
		const Sfmovies__NodeState *n = reply->nodes[i];
		sys_node *out = &st->nodes[st->nnodes++];

		if (n->report == NULL) {
			continue;
		}
		snprintf(out->id, sizeof(out->id), "%s", n->report->node_id);
		snprintf(out->version, sizeof(out->version), "%s",
		    n->report->dataset_version);
		out->pid = (long)n->report->pid;
		out->queries = (unsigned long)n->report->queries;
		out->up = n->up;
	}
	sfmovies__control_reply__free_unpacked(reply, NULL);
	return 0;
}

int
sys_node_version(const sys_service *s, const char *id, char version[17])
{
	Sfmovies__StatusRequest req = SFMOVIES__STATUS_REQUEST__INIT;
	Sfmovies__StatusReply *reply;
	char url[160], message[256];
	const char *urls[] = {url};
	rpc_client_config cfg = {.urls = urls, .nurls = 1};
	rpc_client *client;
	uint8_t *payload = NULL;
	size_t len = 0;
	int rv = -1;

	snprintf(url, sizeof(url), "ipc://%s/%s.ipc", s->run_dir, id);
	if (rpc_client_open(&client, &cfg) != 0) {
		return -1;
	}
	if (rpc_client_call_sync(client, SFMOVIES__METHOD__METHOD_STATUS,
	        &req.base, SYS_CONTROL_MS, &payload, &len, message,
	        sizeof(message)) == SFMOVIES__CODE__CODE_OK &&
	    (reply = sfmovies__status_reply__unpack(NULL, len, payload)) !=
	        NULL) {
		snprintf(version, 17, "%s", reply->dataset_version);
		sfmovies__status_reply__free_unpacked(reply, NULL);
		rv = 0;
	}
	free(payload);
	rpc_client_close(client);
	return rv;
}

const sys_node *
sys_status_node(const sys_status *st, const char *id)
{
	for (size_t i = 0; i < st->nnodes; i++) {
		if (strcmp(st->nodes[i].id, id) == 0) {
			return &st->nodes[i];
		}
	}
	return NULL;
}

/* Returns 1 when nodes nodes are up and serve the current version, which
 * is version unless that is NULL. */
static int
sys_status_converged(const sys_status *st, const char *version, unsigned nodes)
{
	unsigned n = 0;

	if (st->current[0] == '\0' ||
	    (version != NULL && strcmp(st->current, version) != 0)) {
		return 0;
	}
	for (size_t i = 0; i < st->nnodes; i++) {
		n += st->nodes[i].up &&
		    strcmp(st->nodes[i].version, st->current) == 0;
	}
	return n == nodes && st->nnodes == nodes;
}

long
sys_wait_converged(
    const sys_service *s, const char *version, unsigned nodes, long timeout_ms)
{
	long start = sys_now_ms();
	sys_status st;

	for (;;) {
		if (sys_ctl_status(s, &st) == 0 &&
		    sys_status_converged(&st, version, nodes)) {
			return sys_now_ms() - start;
		}
		if (sys_now_ms() - start >= timeout_ms) {
			return -1;
		}
		sys_sleep_ms(50);
	}
}

/* Reads fd into out until EOF or deadline; drops what does not fit. */
static void
sys_drain(int fd, char *out, size_t outlen, long deadline)
{
	size_t used = 0;
	char scratch[4096];

	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		long left = deadline - sys_now_ms();
		ssize_t n;
		int ready;

		if (left <= 0) {
			break;
		}
		if ((ready = poll(&p, 1, (int)left)) < 0 && errno == EINTR) {
			continue;
		}
		if (ready <= 0) {
			break;
		}
		if (used + 1 < outlen) {
			n = read(fd, out + used, outlen - used - 1);
		} else {
			n = read(fd, scratch, sizeof(scratch));
		}
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		if (used + 1 < outlen) {
			used += (size_t)n;
		}
	}
	if (outlen > 0) {
		out[used] = '\0';
	}
}

int
sys_run(char *const argv[], char *out, size_t outlen, long timeout_ms)
{
	long deadline = sys_now_ms() + timeout_ms;
	int fds[2];
	int status;
	pid_t pid;

	if (pipe(fds) != 0) {
		return -1;
	}
	pid = sys_fork(argv, NULL, fds[1], SIGKILL);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	sys_drain(fds[0], out, outlen, deadline);
	close(fds[0]);

	while (!sys_exited(pid) && sys_now_ms() < deadline) {
		sys_sleep_ms(10);
	}
	if (!sys_exited(pid)) {
		fprintf(stderr, "%s %s did not finish within %ld ms\n", argv[0],
		    argv[1], timeout_ms);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		return -1;
	}
	return WEXITSTATUS(status);
}

/* Fills argv with prefix[] then the NULL-terminated variable arguments. */
static void
sys_collect_args(
    char *argv[SYS_MAX_ARGS], char *const prefix[], size_t n, va_list ap)
{
	size_t i = 0;
	char *arg;

	for (; i < n; i++) {
		argv[i] = prefix[i];
	}
	while ((arg = va_arg(ap, char *)) != NULL && i + 1 < SYS_MAX_ARGS) {
		argv[i++] = arg;
	}
	argv[i] = NULL;
}

int
sys_ctl(const sys_service *s, char *out, size_t outlen, ...)
{
	char *prefix[] = {SYS_SFMOVIES, "ctl", "--control", (char *)s->control};
	char *argv[SYS_MAX_ARGS];
	va_list ap;

	va_start(ap, outlen);
	sys_collect_args(argv, prefix, 4, ap);
	va_end(ap);
	return sys_run(argv, out, outlen, SYS_CLI_MS);
}

int
sys_published_version(const char *out, char version[17])
{
	const char *line = strstr(out, "published version ");

	if (line == NULL ||
	    sscanf(line, "published version %16s", version) != 1) {
		fprintf(
		    stderr, "no \"published version\" line in: \"%s\"\n", out);
		return -1;
	}
	return 0;
}

int
sys_sfmovies(char *out, size_t outlen, ...)
{
	char *prefix[] = {SYS_SFMOVIES};
	char *argv[SYS_MAX_ARGS];
	va_list ap;

	va_start(ap, outlen);
	sys_collect_args(argv, prefix, 1, ap);
	va_end(ap);
	return sys_run(argv, out, outlen, SYS_CLI_MS);
}

pid_t
sys_spawn(const char *log, char *const args[])
{
	char *argv[SYS_MAX_ARGS];
	size_t i;

	argv[0] = SYS_SFMOVIES;
	for (i = 0; args[i] != NULL && i + 2 < SYS_MAX_ARGS; i++) {
		argv[i + 1] = args[i];
	}
	argv[i + 1] = NULL;
	return sys_fork(argv, log, -1, SIGKILL);
}

void
sys_stop_process(pid_t pid)
{
	long deadline = sys_now_ms() + 5000;

	if (pid <= 0) {
		return;
	}
	kill(pid, SIGTERM);
	while (!sys_exited(pid) && sys_now_ms() < deadline) {
		sys_sleep_ms(10);
	}
	kill(pid, SIGKILL); /* a zombie ignores it */
	waitpid(pid, NULL, 0);
}

static size_t
sys_on_body(char *p, size_t size, size_t n, void *arg)
{
	sys_reply *r = arg;
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

void
sys_http_get(const sys_service *s, const char *path, sys_reply *r)
{
	char url[2048];
	CURL *c = curl_easy_init();

	memset(r, 0, sizeof(*r));
	r->body = calloc(1, 1);
	if (c == NULL) {
		return;
	}
	snprintf(url, sizeof(url), "%s%s", s->base_url, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sys_on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)SYS_HTTP_MS);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (curl_easy_perform(c) == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	}
	curl_easy_cleanup(c);
}

void
sys_reply_free(sys_reply *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

int
sys_http_wait_for(const sys_service *s, const char *path, const char *text,
    long timeout_ms, sys_reply *r)
{
	long deadline = sys_now_ms() + timeout_ms;

	for (;;) {
		sys_http_get(s, path, r);
		if (r->status == 200 && strstr(r->body, text) != NULL) {
			return 0;
		}
		if (sys_now_ms() >= deadline) {
			return -1;
		}
		sys_reply_free(r);
		sys_sleep_ms(100);
	}
}

double
sys_metric(const sys_service *s, const char *name)
{
	size_t len = strlen(name);
	double value = -1;
	sys_reply r;

	sys_http_get(s, "/metrics", &r);
	for (const char *line = r.body; r.status == 200 && *line != '\0';) {
		const char *end = strchr(line, '\n');

		if (strncmp(line, name, len) == 0 && line[len] == ' ') {
			value = strtod(line + len + 1, NULL);
			break;
		}
		if (end == NULL) {
			break;
		}
		line = end + 1;
	}
	sys_reply_free(&r);
	return value;
}

int
sys_test_setup(void **state)
{
	sys_test *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		return -1;
	}
	if (sys_service_init(&t->svc) != 0) {
		sys_service_free(&t->svc, 1);
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

int
sys_test_teardown(void **state)
{
	sys_test *t = *state;

	sys_load_stop(t->load, NULL);
	sys_service_free(&t->svc, t->passed);
	free(t);
	return 0;
}

void
sys_print_rpc_errors(const sys_service *s)
{
	static const char *const names[] = {
	    "sfmovies_gateway_errors_total{kind=\"rpc_unavailable\"}",
	    "sfmovies_gateway_errors_total{kind=\"rpc_deadline_exceeded\"}",
	    "sfmovies_gateway_errors_total{kind=\"rpc_node_error\"}",
	    "sfmovies_gateway_errors_total{kind=\"rpc_call_failed\"}",
	    "sfmovies_gateway_rpc_timeouts_total",
	    "sfmovies_gateway_rpc_retries_total",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		fprintf(stderr, "%s %.0f\n", names[i], sys_metric(s, names[i]));
	}
}
