/*
 * `sfmovies up`: the whole service on one machine.
 */
#ifndef MGR_UP_H
#define MGR_UP_H

/* Runs the manager, which builds and publishes the dataset, and starts the
 * query nodes and the gateway as child processes; restarts any that exits
 * or stops answering, and stops them all on SIGINT or SIGTERM. argv[0] is
 * "up". Returns the exit status. */
int mgr_up_main(int argc, char **argv);

/* Runs the dataset manager alone, for nodes and gateways on other machines
 * or under another supervisor; argv[0] is "manager". */
int mgr_manager_main(int argc, char **argv);

#endif
