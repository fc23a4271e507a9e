/*
 * A kill in the middle of a publish leaves a consistent store. up serves
 * the 2025 export, and `ctl reload` starts publishing the 2026 export.
 * Then the whole up process tree gets SIGKILL at one of three moments:
 * while the new version file is written, while CURRENT is written, and
 * once CURRENT names the new version while the nodes load it. A fourth
 * round kills the up process alone while CURRENT is written, and its
 * children must then stop by themselves.
 *
 * After each kill the store must contain only intact version files and a
 * CURRENT that names one of them. up must start again on the same data
 * folder with the same source, load the version that CURRENT names, and
 * serve it from nodes that are its own children.
 *
 * The triggers are files that inotify reports as created, and the kill
 * follows each trigger as fast as the scheduler allows, so it may land
 * after the write ended. The folder store writes each file to
 * NAME.tmp.PID and renames it, so a kill that lands during the write
 * leaves such a file behind. It must not break a restart, and the test
 * prints how many there are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "rpc_snapshot.h"
#include "sys_harness.h"

#define NODES 3

typedef enum kill_trigger {
	KILL_WRITING_VERSION, /* a temporary file in versions/ */
	KILL_WRITING_CURRENT, /* a temporary CURRENT file */
	KILL_LOADING,         /* CURRENT names the new version */
} kill_trigger;

typedef struct kill_moment {
	const char *name;
	kill_trigger trigger;
	int up_alone; /* kill only the up process, not its children */
} kill_moment;

static const kill_moment moments[] = {
    {"while the version file is written", KILL_WRITING_VERSION, 0},
    {"while CURRENT is written", KILL_WRITING_CURRENT, 0},
    {"while the nodes load the new version", KILL_LOADING, 0},
    {"up alone, while CURRENT is written", KILL_WRITING_CURRENT, 1},
};

/* Returns the number of entries of folder whose name starts with prefix
 * and contains ".tmp.". */
static int
count_temporary(const char *folder, const char *prefix)
{
	struct dirent *e;
	DIR *d = opendir(folder);
	int n = 0;

	if (d == NULL) {
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
		    strstr(e->d_name, ".tmp.") != NULL;
	}
	closedir(d);
	return n;
}

/* Reads the store's CURRENT file into current; returns 0 or -1. */
static int
read_current(const sys_service *s, char current[17])
{
	char path[160];
	size_t len;
	char *data;

	snprintf(path, sizeof(path), "%s/versions/CURRENT", s->data_dir);
	if ((data = sys_read_file(path, &len)) == NULL) {
		return -1;
	}
	if (len != 17 || data[16] != '\n') {
		free(data);
		return -1;
	}
	memcpy(current, data, 16);
	current[16] = '\0';
	free(data);
	return 0;
}

/* Returns 1 when name is name_prefix...tmp.PID, a temporary file that up
 * writes before renaming it. */
static int
is_up_temporary(const sys_service *s, const char *name, const char *prefix)
{
	char suffix[32];
	size_t n = strlen(name), k;

	snprintf(suffix, sizeof(suffix), ".tmp.%ld", (long)s->pid);
	k = strlen(suffix);
	return strncmp(name, prefix, strlen(prefix)) == 0 && n > k &&
	    strcmp(name + n - k, suffix) == 0;
}

/* Reads the pending inotify events of fd. Returns 1 when one of them
 * created a temporary file of up that starts with prefix. */
static int
saw_temporary(const sys_service *s, int fd, const char *prefix)
{
	_Alignas(struct inotify_event) char buf[4096];
	ssize_t len;
	int found = 0;

	while ((len = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *e = (const void *)p;

			if (e->len > 0 && is_up_temporary(s, e->name, prefix)) {
				found = 1;
			}
			p += sizeof(*e) + e->len;
		}
	}
	return found;
}

/* Returns an inotify descriptor that reports files created in the folder
 * of m's trigger, or -1 for the trigger that needs no folder. */
static int
watch_trigger(const sys_service *s, kill_trigger m)
{
	char folder[160];
	int fd;

	if (m == KILL_LOADING) {
		return -1;
	}
	snprintf(folder, sizeof(folder), "%s/versions%s", s->data_dir,
	    m == KILL_WRITING_VERSION ? "/versions" : "");
	assert_true((fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) >= 0);
	assert_true(inotify_add_watch(fd, folder, IN_CREATE) >= 0);
	return fd;
}

/* Waits at most 5 ms for m's trigger. Returns 1 when it has come. */
static int
moment_reached(
    const sys_service *s, kill_trigger m, int fd, const char *version)
{
	struct pollfd p = {fd, POLLIN, 0};
	char current[17];

	if (m == KILL_LOADING) {
		sys_sleep_ms(5);
		return read_current(s, current) == 0 &&
		    strcmp(current, version) == 0;
	}
	if (poll(&p, 1, 5) <= 0) {
		return 0;
	}
	return saw_temporary(s, fd, m == KILL_WRITING_VERSION ? "" : "CURRENT");
}

/*
 * Starts `ctl reload --source source` and kills up (and its children,
 * unless m->up_alone) when m's trigger is seen, or when the reload ends
 * without it being seen. Returns 1 when the kill came on the trigger, 0
 * when it came after the reload.
 */
static int
kill_during_reload(sys_service *s, const char *source, const kill_moment *m,
    const char *new_version)
{
	char log[160];
	char *args[] = {"ctl", "--control", s->control, "reload", "--source",
	    (char *)source, NULL};
	long deadline = sys_now_ms() + 30000;
	int fd = watch_trigger(s, m->trigger);
	pid_t ctl;
	int seen = 0;

	/* Only this reload's lines stay in the log. */
	assert_int_equal(truncate(s->log_path, 0), 0);
	snprintf(log, sizeof(log), "%s/ctl.log", s->root);
	assert_true((ctl = sys_spawn(log, args)) > 0);
	while (sys_now_ms() < deadline &&
	    !(seen = moment_reached(s, m->trigger, fd, new_version))) {
		if (sys_service_log_contains(s, "msg=\"refresh finished\"")) {
			break;
		}
	}
	if (fd >= 0) {
		close(fd);
	}
	if (m->up_alone) {
		/* The nodes and the gateway must stop by themselves, or they
		 * would hold the addresses that the next up needs. */
		assert_int_equal(sys_service_kill_up(s, 10000), 0);
	} else {
		sys_service_kill(s);
	}
	sys_stop_process(ctl);
	return seen;
}

/*
 * Asserts that every *.snap file in the store decodes and carries the
 * version its name gives, and that CURRENT names one of them. Returns
 * the number of temporary files in the store.
 */
static int
assert_store_consistent(const sys_service *s, char current[17])
{
	char folder[160], path[512], err[512];
	int current_found = 0;
	struct dirent *e;
	DIR *d;

	assert_int_equal(read_current(s, current), 0);
	snprintf(folder, sizeof(folder), "%s/versions/versions", s->data_dir);
	assert_non_null(d = opendir(folder));
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		rpc_snapshot *snap;

		if (n != 21 || strcmp(e->d_name + 16, ".snap") != 0) {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", folder, e->d_name);
		if (rpc_snapshot_load_file(path, &snap, err, sizeof(err)) !=
		    0) {
			fail_msg("%s", err);
		}
		assert_memory_equal(snap->version, e->d_name, 16);
		rpc_snapshot_release(snap);
		current_found |= strncmp(e->d_name, current, 16) == 0;
	}
	closedir(d);
	assert_true(current_found);
	snprintf(path, sizeof(path), "%s/versions", s->data_dir);
	return count_temporary(folder, "") + count_temporary(path, "");
}

/* Restarts up and asserts that it loaded expected from the store and now
 * serves its own current version on every node. */
static void
assert_restarts(sys_service *s, const char *source, const char *expected)
{
	char line[128], current[17], out[4096];
	sys_status st;

	assert_int_equal(truncate(s->log_path, 0), 0);
	assert_int_equal(sys_service_start(s, source, NODES), 0);
	snprintf(line, sizeof(line),
	    "msg=\"loaded current version\" version=%s", expected);
	assert_true(sys_service_log_contains(s, line));

	/* The start-up refresh may have published the source again, so the
	 * store's CURRENT is read after the start. */
	assert_int_equal(read_current(s, current), 0);
	assert_int_equal(sys_ctl_status(s, &st), 0);
	assert_string_equal(st.current, current);
	assert_true(sys_wait_converged(s, current, NODES, 30000) >= 0);
	assert_int_equal(sys_ctl_status(s, &st), 0);
	for (size_t i = 0; i < st.nnodes; i++) {
		assert_true(sys_service_owns(s, st.nodes[i].pid));
	}
	assert_int_equal(sys_ctl(s, out, sizeof(out), "versions", NULL), 0);
	assert_non_null(strstr(out, current));
}

static void
manager_killed_mid_publish(void **state)
{
	sys_test *t = *state;
	sys_service *s = &t->svc;
	char source_2025[4096], source_2026[4096], version_2026[17];
	char current[17];

	assert_int_equal(
	    sys_data_path(SYS_DATA_2025, source_2025, sizeof(source_2025)), 0);
	assert_int_equal(
	    sys_data_path(SYS_DATA_2026, source_2026, sizeof(source_2026)), 0);

	/* The version of an export is the checksum of its bytes, so `dataset
	 * build` names the version that the reload will publish. */
	{
		char out[4096], snap_path[160], err[512];
		rpc_snapshot *snap;

		snprintf(snap_path, sizeof(snap_path), "%s/2026.snap", s->root);
		assert_int_equal(
		    sys_sfmovies(out, sizeof(out), "dataset", "build",
		        source_2026, "-o", snap_path, NULL),
		    0);
		assert_int_equal(
		    rpc_snapshot_load_file(snap_path, &snap, err, sizeof(err)),
		    0);
		snprintf(
		    version_2026, sizeof(version_2026), "%s", snap->version);
		rpc_snapshot_release(snap);
	}

	assert_int_equal(sys_service_start(s, source_2025, NODES), 0);
	for (size_t i = 0; i < sizeof(moments) / sizeof(moments[0]); i++) {
		const kill_moment *m = &moments[i];
		int on_time, temporaries;

		on_time = kill_during_reload(s, source_2026, m, version_2026);
		temporaries = assert_store_consistent(s, current);
		print_message("killed %s (%s): CURRENT names %s, %d temporary "
		              "files\n",
		    m->name,
		    on_time ? "on the trigger" : "after the reload ended",
		    current, temporaries);
		assert_restarts(s, source_2025, current);
	}

	t->passed = 1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        manager_killed_mid_publish, sys_test_setup, sys_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
