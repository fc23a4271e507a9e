/*
 * The dataset manager: builds dataset versions from a source, keeps them in
 * a store, announces the current one to the nodes, watches the nodes with
 * surveys, re-announces to nodes that fall behind, and runs operator
 * commands from the control socket. Refreshes run on the manager's own
 * thread, daily by default and on demand.
 *
 * Thread-safety: all functions may be called from any thread.
 */
#ifndef MGR_MANAGER_H
#define MGR_MANAGER_H

#include <stddef.h>
#include <stdint.h>

#include "core_dataset.h"
#include "mgr_enrich.h"
#include "mgr_survey.h"

typedef struct mgr_config {
	const char *source;           /* file path or URL */
	const char *store;            /* folder or mongodb:// URI */
	unsigned keep;                /* versions to keep */
	const char *bus_url;          /* listened on */
	const char *survey_url;       /* listened on */
	const char *control_url;      /* listened on; ipc:// or loopback tcp */
	unsigned survey_ms;           /* survey interval, default 1000 */
	uint64_t refresh_interval_ms; /* 0 disables the periodic refresh */
	int force;                    /* publish even when validation fails */
	const char *current_path;     /* where the current snapshot is copied
	                               * for local nodes to start from, or NULL */
	const mgr_enrich_config *enrich; /* geocodes, film details and
	                                  * posters; NULL for none */
} mgr_config;

typedef struct mgr_manager mgr_manager;

/* Outcome of one refresh. */
typedef struct mgr_refresh_result {
	int published; /* 1 when a new version became current */
	int unchanged; /* 1 when the source answered 304 Not Modified */
	char version[17];
	char message[1024];
	core_import_stats stats;
} mgr_refresh_result;

/*
 * Opens the store, starts the sockets and threads, and loads the current
 * version from the store if there is one. Returns 0, or -1 with a message
 * in err.
 */
int mgr_manager_start(
    mgr_manager **out, const mgr_config *cfg, char *err, size_t errlen);

/* Stops threads and sockets and frees the manager. Accepts NULL. */
void mgr_manager_stop(mgr_manager *m);

/*
 * Builds a version from source (the configured one when NULL), validates
 * it against the current version, stores it, makes it current and
 * announces it. A failed step leaves the current version serving.
 * Returns 0 when the refresh ran (published or found nothing new), -1 when
 * it failed; res says what happened.
 */
int mgr_manager_refresh(
    mgr_manager *m, const char *source, int force, mgr_refresh_result *res);

/* Makes a stored version current and announces it. Returns 0 or -1 with a
 * message in err. */
int mgr_manager_rollback(
    mgr_manager *m, const char *version, char *err, size_t errlen);

/* Copies the current version ("" when none) into version[17]. */
void mgr_manager_current(mgr_manager *m, char version[17]);

/* Copies up to max node states; returns how many. */
size_t mgr_manager_nodes(mgr_manager *m, mgr_node_state *out, size_t max);

/* The store, for listing versions. */
struct mgr_store *mgr_manager_store(mgr_manager *m);

#endif
