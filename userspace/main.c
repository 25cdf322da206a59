// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor: command line of the hvisor tool.  Parses arguments only; the
 * commands live in zone_cmd.c and virtio_cmd.c.
 *
 * Exit status: 0 success, 1 failure, 2 usage error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "version_cmd.h"
#include "virtio_cmd.h"
#include "zone_cmd.h"
#include "zone_config.h"

#define EXIT_USAGE		2

static const char main_help[] =
	"Usage: hvisor <command> [arguments]\n"
	"\n"
	"Manage the zones of the hvisor hypervisor and their virtio devices\n"
	"from zone 0 (needs the hvisor.ko module, except for the \"check\"\n"
	"commands).\n"
	"\n"
	"Commands:\n"
	"  zone start <config.json> [--strict]\n"
	"                                    start a zone\n"
	"  zone shutdown -id <id>            shut a zone down (also --id <id>)\n"
	"  zone list [--json]                list the zones\n"
	"  zone check <config.json> [--arch <arch>] [--config-abi 5|6]\n"
	"             [--virtio <virtio_cfg.json>]\n"
	"                                    validate a zone config offline\n"
	"  zone pack <config.json> --config-abi 5|6 [--arch <arch>] -o <out.bin>\n"
	"                                    write the bytes zone start would pass\n"
	"  virtio attach <virtio_cfg.json> [--zone <id>] [--skip-unsupported]\n"
	"                [--daemon-config <daemon_cfg.json>]\n"
	"                                    serve a zone's virtio devices\n"
	"  virtio detach --zone <id> [--addr <addr>]\n"
	"                                    stop serving them\n"
	"  virtio list [--json]              list the served devices\n"
	"  virtio check <virtio_cfg.json> [--zone <id>] [--skip-unsupported]\n"
	"                                    validate a virtio config offline\n"
	"  help [zone|virtio]                show help\n"
	"\n"
	"Options:\n"
	"  -h, --help                        show this help (also after a command)\n"
	"  --strict                          with start, check, pack, attach:\n"
	"                                    unknown JSON keys are errors, not warnings\n"
	"  -V, --version, version            show the tool, module, UAPI and\n"
	"                                    hypervisor config magic versions\n"
	"\n"
	"See hvisor(8).\n";

static const char zone_help[] =
	"Usage: hvisor zone <command> [arguments]\n"
	"\n"
	"  start <config.json> [--strict]\n"
	"      Read the zone config (upstream hvisor-tool's JSON schema) and its\n"
	"      images, validate them, and ask hvisor.ko to start the zone, in\n"
	"      the layout of the hypervisor's zone config magic (0x05 or 0x06).\n"
	"      Relative image paths are taken from the current directory.\n"
	"      A key the tool does not know is a warning; with --strict, an\n"
	"      error (also for check, pack, virtio attach and check).\n"
	"  shutdown -id <id> | --id <id> | --id=<id>\n"
	"      Shut zone <id> down.\n"
	"  list [--json]\n"
	"      Print the zones as a table, or as a JSON array.\n"
	"  check <config.json> [--arch arm64|riscv64|loongarch64|x86_64]\n"
	"      Validate a zone config without the module or the hypervisor.\n"
	"      The architecture comes from --arch, else the file's \"arch\",\n"
	"      else its arch_config.  Missing image files are only noted.\n"
	"      Says which zone config magic the file needs: 0x05 (hvisor v0.4)\n"
	"      or 0x06; --config-abi checks it for that one only.\n"
	"      --virtio <virtio_cfg.json>: also check that the virtio config\n"
	"      fits the zone: an entry for its zone_id, each device window\n"
	"      inside a \"virtio\" region, each irq in hvisor's range and one\n"
	"      of its interrupts (arm64, riscv64), at most 7 distinct irqs,\n"
	"      each memory_region guest RAM of the zone at the same host\n"
	"      address.  Every mismatch is reported.\n"
	"  pack <config.json> --config-abi 5|6 [--arch <arch>] -o <out.bin>\n"
	"      Write the zone_config bytes that zone start would hand to a\n"
	"      hypervisor of that magic (\"-\": stdout), without the module.\n"
	"      The image files must exist (their sizes are recorded).  A key\n"
	"      the magic has no room for is an error.\n";

static const char virtio_help[] =
	"Usage: hvisor virtio <command> [arguments]\n"
	"\n"
	"  attach <virtio_cfg.json> [--zone <id>] [--skip-unsupported]\n"
	"         [--daemon-config <daemon_cfg.json>]\n"
	"      Validate the file (upstream hvisor-tool's virtio_cfg.json schema),\n"
	"      open the images and taps, and hand each zone's enabled devices to\n"
	"      hvisor.ko, which serves them from then on: no daemon stays behind.\n"
	"      --zone attaches only that zone of the file.  All or nothing: if a\n"
	"      zone is refused, the zones attached before it are detached again.\n"
	"      A device of a type hvisor.ko does not serve (gpu, scmi) is left\n"
	"      for upstream's daemon: hvisor.ko holds its window and forwards\n"
	"      its accesses to a daemon attached to /dev/hvisor; attach says\n"
	"      which devices are left.  --daemon-config writes them into a\n"
	"      virtio config for that daemon ('hvisor virtio start <file>' of\n"
	"      upstream's tool).  --skip-unsupported skips them instead.\n"
	"  detach --zone <id> [--addr <addr>]\n"
	"      Detach every virtio device of zone <id>, or the one at <addr>.\n"
	"  list [--json]\n"
	"      Print the served devices: zone, type, addr, irq, driver status,\n"
	"      negotiated features, backend, tty; or a JSON array.\n"
	"  check <virtio_cfg.json> [--zone <id>] [--skip-unsupported]\n"
	"      Validate a virtio config without the module, with the options\n"
	"      attach would get.  Missing images are only noted; anything else\n"
	"      attach would refuse is an error.  Says which devices are left\n"
	"      for a daemon.\n";

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

/*
 * "hvisor <group> <cmd> --help": the part of @help about @cmd (its line
 * "  <cmd> ..." and the indented lines after it), on stdout.
 */
static int sub_help(const char *help, const char *group, const char *cmd)
{
	size_t len = strlen(cmd);
	const char *p = help, *end;

	while ((p = strstr(p, "\n  ")) != NULL) {
		p += 3;
		if (!strncmp(p, cmd, len) && (p[len] == ' ' || p[len] == '\n'))
			break;
	}
	if (!p) {
		fputs(help, stdout);
		return 0;
	}
	end = strchr(p, '\n');
	printf("Usage: hvisor %s %.*s\n", group, (int)(end - p), p);
	while (end[1] == ' ' && end[2] == ' ' && end[3] == ' ') {
		p = end + 1;
		end = strchr(p, '\n');
		printf("%.*s\n", (int)(end - p), p);
	}
	return 0;
}

/* Is one of the arguments -h or --help? */
static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	return false;
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

/* Drop each "--strict" from the arguments: unknown JSON keys are errors. */
static int take_strict(int argc, char **argv)
{
	int i, n = 0;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--strict"))
			json_strict = true;
		else
			argv[n++] = argv[i];
	}
	return n;
}

/*
 * zone check|pack <file> [--arch A] [--config-abi 5|6] [-o out]
 * [--virtio vfile]
 */
static int cmd_zone_file(const char *cmd, int argc, char **argv)
{
	const char *file = NULL, *arch_name = NULL, *abi = NULL, *out = NULL;
	const char *v, *vfile = NULL;
	bool bad = false, pack = !strcmp(cmd, "pack");
	bool check = !strcmp(cmd, "check");
	u32 arch = HVISOR_ARCH_NONE;
	__u64 magic = 0;
	int i;

	argc = take_strict(argc, argv);
	for (i = 0; i < argc; i++) {
		v = option_value(argc, argv, &i, "--arch", &bad);
		if (bad)
			return usage("zone %s: --arch needs a value", cmd);
		if (v) {
			arch_name = v;
			continue;
		}
		v = option_value(argc, argv, &i, "--config-abi", &bad);
		if (bad)
			return usage("zone %s: --config-abi needs a value", cmd);
		if (v) {
			abi = v;
			continue;
		}
		v = check ? option_value(argc, argv, &i, "--virtio", &bad) :
			    NULL;
		if (bad)
			return usage("zone check: --virtio needs a file name");
		if (v) {
			vfile = v;
			continue;
		}
		v = pack ? option_value(argc, argv, &i, "-o", &bad) : NULL;
		if (bad)
			return usage("zone %s: -o needs a file name", cmd);
		if (v) {
			out = v;
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
	if (abi && (parse_uint(abi, UINT32_MAX, &magic) ||
		    !hv_config_magic_known(magic)))
		return usage("zone %s: unknown --config-abi '%s' (expected 5 or 6)",
			     cmd, abi);
	if (pack && !abi)
		return usage("zone pack: --config-abi 5|6 is required");
	if (pack && !out)
		return usage("zone pack: -o <out.bin> is required");
	if (pack)
		return zone_pack_cmd(file, arch, magic, out);
	return zone_check_cmd(file, arch, magic, vfile);
}

static int cmd_zone_start(int argc, char **argv)
{
	argc = take_strict(argc, argv);
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

/*
 * virtio attach|check <file> [--zone N] [--skip-unsupported]
 *                            [--daemon-config FILE] (attach)
 */
static int cmd_virtio_file(const char *cmd, int argc, char **argv)
{
	struct virtio_opts o = { .zone_id = -1 };
	bool attach = !strcmp(cmd, "attach"), bad = false;
	const char *file = NULL, *v;
	__u64 id;
	int i;

	argc = take_strict(argc, argv);
	for (i = 0; i < argc; i++) {
		v = option_value(argc, argv, &i, "--zone", &bad);
		if (bad)
			return usage("virtio %s: --zone needs a zone id", cmd);
		if (v) {
			if (parse_uint(v, HVISOR_MAX_ZONES - 1, &id))
				return usage("virtio %s: invalid zone id '%s' (expected 0..%d)",
					     cmd, v, HVISOR_MAX_ZONES - 1);
			o.zone_id = (int)id;
			continue;
		}
		v = attach ? option_value(argc, argv, &i, "--daemon-config",
					  &bad) : NULL;
		if (bad || (v && !*v))
			return usage("virtio attach: --daemon-config needs a file name");
		if (v) {
			o.daemon_config = v;
		} else if (!strcmp(argv[i], "--skip-unsupported")) {
			o.skip_unsupported = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage("virtio %s: unknown option '%s'", cmd,
				     argv[i]);
		} else {
			if (file)
				return usage("virtio %s: too many arguments",
					     cmd);
			file = argv[i];
		}
	}
	if (!file)
		return usage("virtio %s: missing <virtio_cfg.json>", cmd);
	if (o.daemon_config && o.skip_unsupported)
		return usage("virtio attach: %s and %s exclude each other",
			     "--daemon-config", "--skip-unsupported");
	if (attach)
		return virtio_attach_cmd(file, &o);
	return virtio_check_cmd(file, &o);
}

static int cmd_virtio_detach(int argc, char **argv)
{
	const char *zone = NULL, *addr = NULL, *v;
	bool bad = false;
	__u64 id, a = 0;
	int i;

	for (i = 0; i < argc; i++) {
		v = option_value(argc, argv, &i, "--zone", &bad);
		if (!bad && v) {
			zone = v;
			continue;
		}
		if (!bad)
			v = option_value(argc, argv, &i, "--addr", &bad);
		if (bad)
			return usage("virtio detach: %s needs a value", argv[i]);
		if (v) {
			addr = v;
			continue;
		}
		return usage("virtio detach: unexpected argument '%s'",
			     argv[i]);
	}
	if (!zone)
		return usage("virtio detach: expected --zone <id>");
	if (parse_uint(zone, HVISOR_MAX_ZONES - 1, &id))
		return usage("virtio detach: invalid zone id '%s' (expected 0..%d)",
			     zone, HVISOR_MAX_ZONES - 1);
	if (addr && (parse_uint(addr, UINT64_MAX, &a) || !a))
		return usage("virtio detach: invalid address '%s'", addr);
	return virtio_detach_cmd((u32)id, a);
}

static int cmd_virtio(int argc, char **argv)
{
	const char *cmd;

	if (argc < 1)
		return usage("virtio: missing command");
	cmd = argv[0];
	if (is_help(cmd)) {
		fputs(virtio_help, stdout);
		return 0;
	}
	if (wants_help(argc - 1, argv + 1) &&
	    (!strcmp(cmd, "attach") || !strcmp(cmd, "check") ||
	     !strcmp(cmd, "detach") || !strcmp(cmd, "list")))
		return sub_help(virtio_help, "virtio", cmd);
	if (!strcmp(cmd, "attach") || !strcmp(cmd, "check"))
		return cmd_virtio_file(cmd, argc - 1, argv + 1);
	if (!strcmp(cmd, "detach"))
		return cmd_virtio_detach(argc - 1, argv + 1);
	if (!strcmp(cmd, "list")) {
		if (argc == 1)
			return virtio_list_cmd(false);
		if (argc == 2 && !strcmp(argv[1], "--json"))
			return virtio_list_cmd(true);
		return usage("virtio list: unexpected argument '%s'", argv[1]);
	}
	if (!strcmp(cmd, "start"))
		return usage("virtio: 'start' is upstream's daemon; use 'virtio attach'");
	return usage("virtio: unknown command '%s'", cmd);
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
	if (wants_help(argc - 1, argv + 1) &&
	    (!strcmp(cmd, "start") || !strcmp(cmd, "shutdown") ||
	     !strcmp(cmd, "list") || !strcmp(cmd, "check") ||
	     !strcmp(cmd, "pack")))
		return sub_help(zone_help, "zone", cmd);
	if (!strcmp(cmd, "start"))
		return cmd_zone_start(argc - 1, argv + 1);
	if (!strcmp(cmd, "shutdown"))
		return cmd_zone_shutdown(argc - 1, argv + 1);
	if (!strcmp(cmd, "list"))
		return cmd_zone_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "check") || !strcmp(cmd, "pack"))
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
		if (argc == 3 && !strcmp(argv[2], "virtio")) {
			fputs(virtio_help, stdout);
			return 0;
		}
		return usage("help: no help for '%s'", argv[2]);
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version") ||
	    !strcmp(argv[1], "version")) {
		if (argc > 2)
			return usage("version: unexpected argument '%s'",
				     argv[2]);
		return version_cmd();
	}
	if (!strcmp(argv[1], "zone"))
		return cmd_zone(argc - 2, argv + 2);
	if (!strcmp(argv[1], "virtio"))
		return cmd_virtio(argc - 2, argv + 2);
	return usage("unknown command '%s'", argv[1]);
}
