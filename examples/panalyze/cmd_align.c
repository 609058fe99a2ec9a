/* cmd_align.c — panalyze align (being written). */
#include "cli.h"

int cmd_align(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "panalyze align: not implemented yet\n");
    return CLI_USAGE;
}
