/*
 * `sfmovies ctl`: the operator's command line for a running manager.
 */
#ifndef MGR_CTL_H
#define MGR_CTL_H

#include <stddef.h>

/* Default control socket of a manager started by `sfmovies up`. */
#define MGR_CTL_DEFAULT_DIR "/tmp/sfmovies-%u"

/* Runs `sfmovies ctl COMMAND`; argv[0] is "ctl". Returns 0, 1 when the
 * command fails, or 2 for a usage error. */
int mgr_ctl_main(int argc, char **argv);

/* Writes the default control URL for this user into buf. */
void mgr_ctl_default_url(char *buf, size_t len);

#endif
