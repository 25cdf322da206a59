// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor: command line of the hvisor tool.  Parses arguments only; the
 * commands live in zone_cmd.c.
 *
 * Exit status: 0 success, 1 failure, 2 usage error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "zone_cmd.h"
#include "zone_config.h"

#define HVISOR_TOOL_VERSION	"0.1.0"
#define EXIT_USAGE		2

static const char main_help[] =
	"Usage: hvisor <command> [arguments]\n"
	"\n"
	"Manage the zones of the hvisor hypervisor from zone 0 (needs the\n"
	"hvisor.ko module, except for \"zone check\").\n"
	"\n"
	"Commands:\n"
	"  zone start <config.json>          start a zone\n"
	"  zone shutdown -id <id>            shut a zone down (also --id <id>)\n"
	"  zone list [--json]                list the zones\n"
	"  zone check <config.json> [--arch <arch>]\n"
	"                                    validate a zone config offline\n"
	"  help [zone]                       show help\n"
	"\n"
	"Options:\n"
	"  -h, --help                        show this help\n"
	"  -V, --version                     show the tool and ABI versions\n"
	"\n"
	"See hvisor(8).\n";

static const char zone_help[] =
	"Usage: hvisor zone <command> [arguments]\n"
	"\n"
	"  start <config.json>\n"
	"      Read the zone config (upstream hvisor-tool's JSON schema) and its\n"
	"      images, validate them, and ask hvisor.ko to start the zone.\n"
	"      Relative image paths are taken from the current directory.\n"
	"  shutdown -id <id> | --id <id> | --id=<id>\n"
	"      Shut zone <id> down.\n"
	"  list [--json]\n"
	"      Print the zones as a table, or as a JSON array.\n"
	"  check <config.json> [--arch arm64|riscv64|loongarch64|x86_64]\n"
	"      Validate a zone config without the module or the hypervisor.\n"
	"      The architecture comes from --arch, else the file's \"arch\",\n"
	"      else its arch_config.  Missing image files are only noted.\n";

static __printf(1, 2) int usage(const char *fmt, ...)
{
	va_list ap;

	fputs("hvisor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see 'hvisor --help')\n", stderr);
	return EXIT_USAGE;
}

static bool is_help(const char *s)
{
	return !strcmp(s, "-h") || !strcmp(s, "--help") || !strcmp(s, "help");
}

/* Value of option @name at argv[*i] ("--name v" or "--name=v"); NULL. */
static const char *option_value(int argc, char **argv, int *i,
				const char *name, bool *bad)
{
	size_t len = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, len))
		return NULL;
	if (a[len] == '=')
		return a + len + 1;
	if (a[len])
		return NULL;
	if (*i + 1 >= argc) {
		*bad = true;
		return NULL;
	}
	return argv[++*i];
}

/* zone check|dump <file> [--arch A] */
static int cmd_zone_file(const char *cmd, int argc, char **argv)
{
	const char *file = NULL, *arch_name = NULL, *v;
	bool bad = false;
	u32 arch = HVISOR_ARCH_NONE;
	int i;

	for (i = 0; i < argc; i++) {
		v = option_value(argc, argv, &i, "--arch", &bad);
		if (bad)
			return usage("zone %s: --arch needs a value", cmd);
		if (v) {
			arch_name = v;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage("zone %s: unknown option '%s'", cmd,
				     argv[i]);
		} else {
			if (file)
				return usage("zone %s: too many arguments",
					     cmd);
			file = argv[i];
		}
	}
	if (!file)
		return usage("zone %s: missing <config.json>", cmd);
	if (arch_name) {
		arch = arch_from_name(arch_name);
		if (!arch)
			return usage("zone %s: unknown architecture '%s' %s",
				     cmd, arch_name,
				     "(expected arm64, riscv64, loongarch64 or x86_64)");
	}
	if (!strcmp(cmd, "check"))
		return zone_check_cmd(file, arch);
	return zone_dump_cmd(file, arch);
}

static int cmd_zone_start(int argc, char **argv)
{
	if (argc != 1 || (argv[0][0] == '-' && argv[0][1]))
		return usage("zone start: expected exactly one <config.json>");
	return zone_start_cmd(argv[0]);
}

static int cmd_zone_shutdown(int argc, char **argv)
{
	const char *id = NULL;
	bool bad = false;
	__u64 v;
	int i;

	for (i = 0; i < argc && !id; i++) {
		id = option_value(argc, argv, &i, "-id", &bad);
		if (!id && !bad)
			id = option_value(argc, argv, &i, "--id", &bad);
		if (bad)
			return usage("zone shutdown: %s needs a zone id",
				     argv[i]);
		if (!id)
			break;
	}
	if (!id || i != argc)
		return usage("zone shutdown: expected -id <id>");
	if (parse_uint(id, HVISOR_MAX_ZONES - 1, &v))
		return usage("zone shutdown: invalid zone id '%s' (expected 0..%d)",
			     id, HVISOR_MAX_ZONES - 1);
	return zone_shutdown_cmd((u32)v);
}

static int cmd_zone_list(int argc, char **argv)
{
	if (argc == 0)
		return zone_list_cmd(false);
	if (argc == 1 && !strcmp(argv[0], "--json"))
		return zone_list_cmd(true);
	return usage("zone list: unexpected argument '%s'", argv[0]);
}

static int cmd_zone(int argc, char **argv)
{
	const char *cmd;

	if (argc < 1)
		return usage("zone: missing command");
	cmd = argv[0];
	if (is_help(cmd)) {
		fputs(zone_help, stdout);
		return 0;
	}
	if (!strcmp(cmd, "start"))
		return cmd_zone_start(argc - 1, argv + 1);
	if (!strcmp(cmd, "shutdown"))
		return cmd_zone_shutdown(argc - 1, argv + 1);
	if (!strcmp(cmd, "list"))
		return cmd_zone_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "check") || !strcmp(cmd, "dump"))
		return cmd_zone_file(cmd, argc - 1, argv + 1);
	return usage("zone: unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage("missing command");
	if (is_help(argv[1])) {
		if (argc == 2) {
			fputs(main_help, stdout);
			return 0;
		}
		if (argc == 3 && !strcmp(argv[2], "zone")) {
			fputs(zone_help, stdout);
			return 0;
		}
		return usage("help: no help for '%s'", argv[2]);
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version") ||
	    !strcmp(argv[1], "version")) {
		printf("hvisor %s (ABI %d, zone config magic 0x%02x)\n",
		       HVISOR_TOOL_VERSION, HVISOR_ABI_VERSION,
		       HVISOR_CONFIG_MAGIC_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "zone"))
		return cmd_zone(argc - 2, argv + 2);
	return usage("unknown command '%s'", argv[1]);
}
