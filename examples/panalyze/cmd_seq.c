/* cmd_seq.c — panalyze seq (being written). */
#include "cli.h"

int cmd_seq(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "panalyze seq: not implemented yet\n");
    return CLI_USAGE;
}
