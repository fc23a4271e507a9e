/*
 * Parsing of command-line values with errors that name the flag and the
 * value. Each function prints its error to stderr and returns -1, or
 * returns 0 with the value stored.
 */
#ifndef RPC_ARGS_H
#define RPC_ARGS_H

/* Parses a whole decimal number within [min, max]. */
int rpc_args_unsigned(const char *flag, const char *value, unsigned min,
    unsigned max, unsigned *out);

/* Parses a finite decimal number within [min, max]. */
int rpc_args_double(
    const char *flag, const char *value, double min, double max, double *out);

/* Returns the value after argv[*i] for flag, advancing *i, or prints that
 * the flag needs a value and returns NULL. */
const char *rpc_args_value(int argc, char **argv, int *i);

#endif
