/*
 * cliopt.c: command line errors, --help and --version.
 */
#include <stdio.h>
#include <string.h>

#include "cliopt.h"
#include "log.h"

void
tsm_bad_option(int c, char **argv, const struct option *longopts)
{
	const char *arg = argv[optind - 1];

	if (c == ':') {
		if (optopt != 0 && optopt < 0x100 &&
		    strncmp(arg, "--", 2) != 0) {
			tsm_usage_error("option \"-%c\" needs a value", optopt);
			return;
		}
		for (const struct option *o = longopts; o->name; o++)
			if (o->val == optopt) {
				tsm_usage_error("option \"--%s\" needs a value",
				    o->name);
				return;
			}
		tsm_usage_error("option \"%s\" needs a value", arg);
		return;
	}
	if (optopt != 0 && optopt < 0x100 && strncmp(arg, "--", 2) != 0)
		tsm_usage_error("unknown option \"-%c\"", optopt);
	else if (strncmp(arg, "--", 2) == 0 && strchr(arg, '=') != NULL &&
	    optopt != 0)
		tsm_usage_error("option \"%.*s\" takes no value",
		    (int)(strchr(arg, '=') - arg), arg);
	else
		tsm_usage_error("unknown option \"%s\"", arg);
}

bool
tsm_help_or_version(int argc, char **argv, void (*help)(void))
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-?") == 0) {
			help();
			return true;
		}
		if (strcmp(argv[i], "--version") == 0 ||
		    strcmp(argv[i], "-V") == 0) {
			printf("%s (tsm) %s\n", tsm_progname, TSM_VERSION);
			return true;
		}
	}
	return false;
}
