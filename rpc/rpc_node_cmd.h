/*
 * The `sfmovies node` and `sfmovies query` commands.
 */
#ifndef RPC_NODE_CMD_H
#define RPC_NODE_CMD_H

/* Runs a query node; argv[0] is "node". Returns the exit status. */
int rpc_node_main(int argc, char **argv);

/* Runs one RPC and prints its reply as JSON; argv[0] is "query". Returns
 * 0, 1 when the call fails, or 2 for a usage error. */
int rpc_query_main(int argc, char **argv);

#endif
