/* cmd_ss.c — panalyze ss (being written). */
#include "cli.h"

int cmd_ss(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "panalyze ss: not implemented yet\n");
    return CLI_USAGE;
}
