/*
 * `sfmovies up`: the whole service on one machine.
 */
#ifndef MGR_UP_H
#define MGR_UP_H

/* Builds a snapshot from --source, starts the query nodes and the gateway
 * as child processes, restarts any that exits, and stops them all on
 * SIGINT or SIGTERM. argv[0] is "up". Returns the exit status. */
int mgr_up_main(int argc, char **argv);

#endif
