/* cmd_run.c — panalyze run (being written). */
#include "cli.h"

int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "panalyze run: not implemented yet\n");
    return CLI_USAGE;
}
