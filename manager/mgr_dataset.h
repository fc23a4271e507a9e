/*
 * The `sfmovies dataset` command: operator tools for dataset files.
 */
#ifndef MGR_DATASET_H
#define MGR_DATASET_H

/* Runs `sfmovies dataset SUBCOMMAND ...`; argv[0] is "dataset". Returns the
 * process exit status: 0, 1 when the input cannot be imported, 2 for a
 * usage error. */
int mgr_dataset_main(int argc, char **argv);

#endif
