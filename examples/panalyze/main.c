/* panalyze — command-line front end of libpanalyzer. */
#include "cli.h"

#include <string.h>

static const struct {
    const char *name;
    cli_cmd_fn fn;
    const char *help;
} commands[] = {
    {"seq", cmd_seq, "extract chain sequences (FASTA or TSV)"},
    {"validate", cmd_validate, "check structure files and print diagnostics"},
    {"run", cmd_run, "run the parallel pipeline over many files"},
    {"align", cmd_align, "align query sequences against targets"},
    {"ss", cmd_ss, "predict secondary structure with the built-in model"},
    {"dssp", cmd_dssp, "secondary structure from coordinates (DSSP 4)"},
    {"index", cmd_index, "build a reference index for 'map'"},
    {"map", cmd_map, "search queries against references (E-values)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: panalyze <command> [options] ...\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
    fprintf(out, "\n'panalyze <command> --help' describes a command. libpanalyzer %s\n",
            pa_version());
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("panalyze %s\n", pa_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "panalyze: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
