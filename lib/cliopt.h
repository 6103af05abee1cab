/*
 * cliopt.h: what every tool does with its command line before connecting.
 */
#ifndef TSM_CLIOPT_H
#define TSM_CLIOPT_H

#include <stdbool.h>
#include <getopt.h>

/*
 * Reports the option getopt_long refused, as a usage error: "unknown
 * option \"--frmat\"" or "option \"--format\" needs a value".  c is what
 * getopt_long returned ('?' or ':'; the short option string must start
 * with ':').
 */
void tsm_bad_option(int c, char **argv, const struct option *longopts);

/*
 * Handles --help/-? and --version/-V anywhere on the line, before the
 * other options are looked at.  Returns true when one was found (help or
 * the version is then printed on stdout and the tool exits 0).
 */
bool tsm_help_or_version(int argc, char **argv, void (*help)(void));

#endif
