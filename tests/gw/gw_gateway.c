/*
 * The gateway alone as a program, for the HTTP integration test: the
 * sfmovies binary's command table belongs to cmd/, and this runs the same
 * gw_main.
 */
#include "gw_main.h"

int
main(int argc, char **argv)
{
	return gw_main(argc, argv);
}
