/* cmd_validate.c — panalyze validate (being written). */
#include "cli.h"

int cmd_validate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "panalyze validate: not implemented yet\n");
    return CLI_USAGE;
}
