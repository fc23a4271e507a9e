/*
 * `sfmovies gateway`: the HTTP gateway's command.
 */
#ifndef GW_MAIN_H
#define GW_MAIN_H

/* Runs the gateway until SIGINT or SIGTERM (argv[0] is "gateway").
 * Returns 0 after a clean stop, 1 when it cannot start, 2 on a usage
 * error. */
int gw_main(int argc, char **argv);

#endif
