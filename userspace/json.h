/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading JSON config files: bounded loading, strict numbers, and error
 * messages that name the file and the JSON path of the offending value:
 *
 *	hvisor: zone1.json: memory_regions[2].size: "0x1g" is not a number
 */
#ifndef HVISOR_TOOL_JSON_H
#define HVISOR_TOOL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include <cjson/cJSON.h>

#define JSON_MAX_FILE_SIZE	(1024 * 1024)
#define JSON_PATH_MAX		128

/* Where we are in a file, for messages. */
struct jctx {
	const char *file;		/* as given by the user */
	char path[JSON_PATH_MAX];	/* e.g. "memory_regions[2].size" */
	size_t len;
};

void jctx_init(struct jctx *c, const char *file);

/* Descend into a key or an array index; both return the length to restore. */
size_t jpath_key(struct jctx *c, const char *key);
size_t jpath_index(struct jctx *c, unsigned int i);
void jpath_restore(struct jctx *c, size_t len);

/* "hvisor: <file>: <path>: <msg>", one line on stderr. */
__printf(2, 3) void jerr(const struct jctx *c, const char *fmt, ...);
/* Same, with "note: " before the message. */
__printf(2, 3) void jnote(const struct jctx *c, const char *fmt, ...);

/*
 * Copy @s into @buf for a message: quoted, control and non-ASCII bytes
 * escaped, long strings shortened with "...".
 */
const char *json_quote(char *buf, size_t size, const char *s);

const char *json_type_name(const cJSON *item);

/*
 * Print @item on one line to stdout and free it.  Returns 0, or 1 with an
 * "out of memory" message naming @what.
 */
int json_print_consume(cJSON *item, const char *what);

/*
 * Load and parse @file (at most JSON_MAX_FILE_SIZE bytes).  Rejects missing
 * files, directories, empty files, oversized files, syntax errors, trailing
 * data and duplicate keys.  Returns the root, or NULL after a message.
 */
cJSON *json_load_file(struct jctx *c);

/*
 * Parse an unsigned integer written as decimal ("4096") or hex ("0x1000"):
 * full match, no sign, no spaces, no leading zeros on decimals (upstream
 * would read them as octal).  Returns 0, -EINVAL (not a number) or -ERANGE
 * (greater than @max).
 */
int parse_uint(const char *s, __u64 max, __u64 *out);

/*
 * The value at the current path as an unsigned integer <= @max: a JSON
 * number that is an exact non-negative integer <= 2^53, or a string for
 * parse_uint().  Returns 0 or -1 after a message.
 */
int json_uint(struct jctx *c, const cJSON *item, __u64 max, __u64 *out);

/*
 * Member @key of object @obj.  Returns 0 when found (and valid), 1 when
 * absent and !@required, -1 after a message (absent and @required, or
 * invalid).  On error or absence *@out is left untouched.
 */
int json_get_uint(struct jctx *c, const cJSON *obj, const char *key,
		  bool required, __u64 max, __u64 *out);
int json_get_u64(struct jctx *c, const cJSON *obj, const char *key,
		 bool required, __u64 *out);
int json_get_u32(struct jctx *c, const cJSON *obj, const char *key,
		 bool required, __u32 *out);
int json_get_u8(struct jctx *c, const cJSON *obj, const char *key,
		bool required, __u8 *out);
int json_get_string(struct jctx *c, const cJSON *obj, const char *key,
		    bool required, const char **out);
/* A bool, or the numbers 0 and 1. */
int json_get_bool(struct jctx *c, const cJSON *obj, const char *key,
		  bool required, bool *out);

/* Member @key as an array of at most @max entries; *@n gets their number. */
int json_get_array(struct jctx *c, const cJSON *obj, const char *key,
		   bool required, unsigned int max, const cJSON **out,
		   unsigned int *n);
int json_get_object(struct jctx *c, const cJSON *obj, const char *key,
		    bool required, const cJSON **out);

/* Entry @i of an array; an object is taken as an array of itself. */
const cJSON *json_entry(const cJSON *arr, unsigned int i);

/*
 * Unknown keys.  Every lookup through this file marks the key as known;
 * json_find() is cJSON_GetObjectItemCaseSensitive() that does the same,
 * json_known() marks keys the tool accepts and ignores, json_mark_all() a
 * whole subtree it does not parse (a disabled device).  Then
 * json_unknown_keys() reports each unmarked key under a marked one (or in
 * an array), "<path>: warning: unknown key, ignored", or with json_strict
 * "<path>: unknown key" and returns -1.
 */
extern bool json_strict;
const cJSON *json_find(const cJSON *obj, const char *key);
void json_known(const cJSON *obj, const char *const *keys, size_t n);
void json_mark_all(const cJSON *item);
int json_unknown_keys(const char *file, const cJSON *root);

/* Report a missing member: "<path>.<key>: required field missing". */
void json_missing(struct jctx *c, const char *key);

#endif /* HVISOR_TOOL_JSON_H */
