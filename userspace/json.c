// SPDX-License-Identifier: GPL-2.0
/*
 * JSON helpers for the hvisor tool: see json.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"

/* Largest integer a JSON number (an IEEE double) holds exactly: 2^53. */
#define JSON_EXACT_MAX	9007199254740992ULL

void jctx_init(struct jctx *c, const char *file)
{
	c->file = file;
	c->path[0] = '\0';
	c->len = 0;
}

static size_t jpath_append(struct jctx *c, const char *fmt, const char *key,
			   unsigned int i)
{
	size_t old = c->len;
	size_t room = sizeof(c->path) - c->len;
	int n;

	if (key)
		n = snprintf(c->path + c->len, room, fmt, key);
	else
		n = snprintf(c->path + c->len, room, fmt, i);
	if (n < 0 || (size_t)n >= room)
		c->len = sizeof(c->path) - 1;	/* truncated, still a string */
	else
		c->len += n;
	return old;
}

size_t jpath_key(struct jctx *c, const char *key)
{
	return jpath_append(c, c->len ? ".%s" : "%s", key, 0);
}

size_t jpath_index(struct jctx *c, unsigned int i)
{
	return jpath_append(c, "[%u]", NULL, i);
}

void jpath_restore(struct jctx *c, size_t len)
{
	c->len = len;
	c->path[len] = '\0';
}

static void jvreport(const struct jctx *c, const char *kind, const char *fmt,
		     va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (c->len)
		fprintf(stderr, "hvisor: %s: %s: %s%s\n", c->file, c->path,
			kind, msg);
	else
		fprintf(stderr, "hvisor: %s: %s%s\n", c->file, kind, msg);
}

void jerr(const struct jctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	jvreport(c, "", fmt, ap);
	va_end(ap);
}

void jnote(const struct jctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	jvreport(c, "note: ", fmt, ap);
	va_end(ap);
}

const char *json_quote(char *buf, size_t size, const char *s)
{
	size_t o = 0;
	const size_t limit = 48;	/* characters shown before "..." */
	size_t shown = 0;

	if (size < 16) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '"';
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char esc[8];
		size_t n;

		if (shown == limit || o + 8 >= size) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (ch == '"' || ch == '\\')
			n = snprintf(esc, sizeof(esc), "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			n = snprintf(esc, sizeof(esc), "\\x%02x", ch);
		else
			n = snprintf(esc, sizeof(esc), "%c", ch);
		memcpy(buf + o, esc, n);
		o += n;
		shown++;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

const char *json_type_name(const cJSON *item)
{
	if (!item)
		return "nothing";
	if (cJSON_IsBool(item))
		return "a boolean";
	if (cJSON_IsNull(item))
		return "null";
	if (cJSON_IsNumber(item))
		return "a number";
	if (cJSON_IsString(item))
		return "a string";
	if (cJSON_IsArray(item))
		return "an array";
	if (cJSON_IsObject(item))
		return "an object";
	return "an invalid value";
}

/* 1-based line and column of @pos in @buf. */
static void json_position(const char *buf, const char *pos, unsigned int *line,
			  unsigned int *col)
{
	const char *p;

	*line = 1;
	*col = 1;
	for (p = buf; p < pos; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int json_key_cmp(const void *a, const void *b)
{
	const cJSON *const *x = a, *const *y = b;

	return strcmp((*x)->string, (*y)->string);
}

/* Sorts the keys of each object: a 1 MiB file may hold 100000 of them. */
static int json_check_duplicates(struct jctx *c, const cJSON *item)
{
	const cJSON **keys;
	const cJSON *a;
	unsigned int i = 0, n = 0;
	size_t saved;
	char q[80];
	int ret = 0;

	if (!cJSON_IsObject(item) && !cJSON_IsArray(item))
		return 0;
	for (a = item->child; a; a = a->next)
		n++;
	if (cJSON_IsObject(item) && n > 1) {
		keys = malloc(n * sizeof(*keys));
		if (!keys) {
			jerr(c, "out of memory");
			return -1;
		}
		for (a = item->child; a; a = a->next)
			keys[i++] = a;
		qsort(keys, n, sizeof(*keys), json_key_cmp);
		for (i = 1; i < n && !ret; i++) {
			if (strcmp(keys[i - 1]->string, keys[i]->string))
				continue;
			jerr(c, "duplicate key %s",
			     json_quote(q, sizeof(q), keys[i]->string));
			ret = -1;
		}
		free(keys);
		if (ret)
			return ret;
	}
	i = 0;
	for (a = item->child; a; a = a->next, i++) {
		if (cJSON_IsObject(item))
			saved = jpath_key(c, a->string);
		else
			saved = jpath_index(c, i);
		ret = json_check_duplicates(c, a);
		jpath_restore(c, saved);
		if (ret)
			return ret;
	}
	return 0;
}

/* Read at most JSON_MAX_FILE_SIZE bytes of @c->file; *@len gets the size. */
static char *json_read(struct jctx *c, size_t *len)
{
	struct stat st;
	size_t got = 0;
	char *buf;
	int fd;

	fd = open(c->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		jerr(c, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st)) {
		jerr(c, "cannot stat: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		jerr(c, "is a directory, not a JSON file");
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		jerr(c, "is not a regular file");
		close(fd);
		return NULL;
	}
	if (st.st_size > JSON_MAX_FILE_SIZE) {
		jerr(c, "file is too large (%lld bytes, at most %d)",
		     (long long)st.st_size, JSON_MAX_FILE_SIZE);
		close(fd);
		return NULL;
	}
	/* +2: notice a file that grew, and room for json_syntax_error() */
	buf = malloc(JSON_MAX_FILE_SIZE + 2);
	if (!buf) {
		jerr(c, "out of memory");
		close(fd);
		return NULL;
	}
	for (;;) {
		ssize_t n = read(fd, buf + got, JSON_MAX_FILE_SIZE + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			jerr(c, "read error: %s", strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		got += n;
		if (got > JSON_MAX_FILE_SIZE) {
			jerr(c, "file is too large (more than %d bytes)",
			     JSON_MAX_FILE_SIZE);
			goto fail;
		}
	}
	close(fd);
	if (!got) {
		jerr(c, "file is empty");
		free(buf);
		return NULL;
	}
	buf[got] = '\0';
	*len = got;
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

/*
 * Report where parsing failed.  cJSON clamps the error position to the last
 * byte, so a file cut short and a bad last byte look alike; parsing again
 * with one more (blank) byte tells them apart.  @buf has room for it.
 */
static void json_syntax_error(struct jctx *c, char *buf, size_t len)
{
	const char *end = NULL;
	unsigned int line, col;
	cJSON *again;

	buf[len] = ' ';
	again = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 0);
	cJSON_Delete(again);
	if (!end || end < buf || end > buf + len)
		end = buf + len;
	json_position(buf, end, &line, &col);
	if (end == buf + len)
		jerr(c, "JSON syntax error at line %u, column %u: unexpected end of file",
		     line, col);
	else
		jerr(c, "JSON syntax error at line %u, column %u", line, col);
}

cJSON *json_load_file(struct jctx *c)
{
	const char *end = NULL;
	unsigned int line, col;
	cJSON *root;
	size_t len;
	char *buf;

	buf = json_read(c, &len);
	if (!buf)
		return NULL;
	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!root) {
		json_syntax_error(c, buf, len);
		free(buf);
		return NULL;
	}
	while (end < buf + len &&
	       (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
		end++;
	if (end != buf + len) {
		json_position(buf, end, &line, &col);
		jerr(c, "JSON syntax error at line %u, column %u: unexpected data after the end",
		     line, col);
		goto fail;
	}
	if (json_check_duplicates(c, root))
		goto fail;
	free(buf);
	return root;
fail:
	cJSON_Delete(root);
	free(buf);
	return NULL;
}

int parse_uint(const char *s, __u64 max, __u64 *out)
{
	unsigned int base = 10;
	__u64 v = 0;
	bool range = false;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		return -EINVAL;		/* "010": octal for strtoumax(base 0) */
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			range = true;	/* keep going: "0x1ffff...g" is not a number */
		else
			v = v * base + d;
	}
	if (range || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static void json_range_error(struct jctx *c, const char *shown, __u64 max)
{
	if (max > 0xffff)
		jerr(c, "%s is out of range (at most 0x%llx)", shown,
		     (unsigned long long)max);
	else
		jerr(c, "%s is out of range (at most %llu)", shown,
		     (unsigned long long)max);
}

int json_uint(struct jctx *c, const cJSON *item, __u64 max, __u64 *out)
{
	char q[80];
	double d;
	int ret;

	if (cJSON_IsString(item)) {
		json_quote(q, sizeof(q), item->valuestring);
		ret = parse_uint(item->valuestring, max, out);
		if (ret == -ERANGE) {
			json_range_error(c, q, max);
			return -1;
		}
		if (ret) {
			if (item->valuestring[0] == '0' &&
			    item->valuestring[1] >= '0' &&
			    item->valuestring[1] <= '9')
				jerr(c,
				     "%s is not a number (leading zeros are ambiguous: write decimal or 0x...)",
				     q);
			else
				jerr(c, "%s is not a number", q);
			return -1;
		}
		return 0;
	}
	if (!cJSON_IsNumber(item)) {
		jerr(c, "expected a number, found %s", json_type_name(item));
		return -1;
	}
	d = item->valuedouble;
	snprintf(q, sizeof(q), "%.17g", d);
	if (d != d) {
		jerr(c, "%s is not a number", q);
		return -1;
	}
	if (d < 0) {
		jerr(c, "%s is negative", q);
		return -1;
	}
	if (d > (double)JSON_EXACT_MAX) {
		jerr(c, "%s is too large for a JSON number (write it as a string, e.g. \"0x...\")",
		     q);
		return -1;
	}
	if ((double)(__u64)d != d) {
		jerr(c, "%s is not an integer", q);
		return -1;
	}
	if ((__u64)d > max) {
		json_range_error(c, q, max);
		return -1;
	}
	*out = (__u64)d;
	return 0;
}

void json_missing(struct jctx *c, const char *key)
{
	size_t saved = jpath_key(c, key);

	jerr(c, "required field missing");
	jpath_restore(c, saved);
}

static __printf(2, 3) void jwarn(const struct jctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	jvreport(c, "warning: ", fmt, ap);
	va_end(ap);
}

/*
 * Keys the tool looked at carry JSON_SEEN in their item's type; cJSON only
 * uses the low byte for the type and bits 8 and 9 as flags.  The keys of an
 * object left without the mark are the ones no parser knows.
 */
#define JSON_SEEN	0x4000

#define JSON_UNKNOWN_WARNING \
	"unknown key, ignored (--strict makes it an error)"

bool json_strict;

const cJSON *json_find(const cJSON *obj, const char *key)
{
	cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (item)
		item->type |= JSON_SEEN;
	return item;
}

void json_mark_all(const cJSON *item)
{
	cJSON *child;

	if (!item)
		return;
	for (child = item->child; child; child = child->next) {
		child->type |= JSON_SEEN;
		json_mark_all(child);
	}
}

void json_known(const cJSON *obj, const char *const *keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		json_find(obj, keys[i]);
}

static unsigned int json_walk_unknown(struct jctx *c, const cJSON *item)
{
	unsigned int nr = 0, i = 0;
	const cJSON *child;
	size_t saved;

	for (child = item->child; child; child = child->next, i++) {
		if (cJSON_IsObject(item)) {
			saved = jpath_key(c, child->string);
			if (!(child->type & JSON_SEEN)) {
				if (json_strict)
					jerr(c, "unknown key");
				else
					jwarn(c, "%s", JSON_UNKNOWN_WARNING);
				nr++;
				jpath_restore(c, saved);
				continue;
			}
		} else {
			saved = jpath_index(c, i);
		}
		if (cJSON_IsObject(child) || cJSON_IsArray(child))
			nr += json_walk_unknown(c, child);
		jpath_restore(c, saved);
	}
	return nr;
}

int json_unknown_keys(const char *file, const cJSON *root)
{
	struct jctx c;

	jctx_init(&c, file);
	return json_walk_unknown(&c, root) && json_strict ? -1 : 0;
}

/* Look up @key; 1 if absent and optional, -1 if absent and required. */
static int json_member(struct jctx *c, const cJSON *obj, const char *key,
		       bool required, const cJSON **item)
{
	*item = json_find(obj, key);
	if (*item)
		return 0;
	if (!required)
		return 1;
	json_missing(c, key);
	return -1;
}

int json_get_uint(struct jctx *c, const cJSON *obj, const char *key,
		  bool required, __u64 max, __u64 *out)
{
	const cJSON *item;
	__u64 v;
	size_t saved;
	int ret;

	ret = json_member(c, obj, key, required, &item);
	if (ret)
		return ret;
	saved = jpath_key(c, key);
	ret = json_uint(c, item, max, &v);
	jpath_restore(c, saved);
	if (ret)
		return -1;
	*out = v;
	return 0;
}

int json_get_u64(struct jctx *c, const cJSON *obj, const char *key,
		 bool required, __u64 *out)
{
	return json_get_uint(c, obj, key, required, UINT64_MAX, out);
}

int json_get_u32(struct jctx *c, const cJSON *obj, const char *key,
		 bool required, __u32 *out)
{
	__u64 v;
	int ret;

	ret = json_get_uint(c, obj, key, required, UINT32_MAX, &v);
	if (!ret)
		*out = (__u32)v;
	return ret;
}

int json_get_u8(struct jctx *c, const cJSON *obj, const char *key,
		bool required, __u8 *out)
{
	__u64 v;
	int ret;

	ret = json_get_uint(c, obj, key, required, UINT8_MAX, &v);
	if (!ret)
		*out = (__u8)v;
	return ret;
}

int json_get_string(struct jctx *c, const cJSON *obj, const char *key,
		    bool required, const char **out)
{
	const cJSON *item;
	size_t saved;
	int ret;

	ret = json_member(c, obj, key, required, &item);
	if (ret)
		return ret;
	if (!cJSON_IsString(item)) {
		saved = jpath_key(c, key);
		jerr(c, "expected a string, found %s", json_type_name(item));
		jpath_restore(c, saved);
		return -1;
	}
	*out = item->valuestring;
	return 0;
}

int json_get_bool(struct jctx *c, const cJSON *obj, const char *key,
		  bool required, bool *out)
{
	const cJSON *item;
	size_t saved;
	int ret;

	ret = json_member(c, obj, key, required, &item);
	if (ret)
		return ret;
	if (cJSON_IsBool(item)) {
		*out = cJSON_IsTrue(item);
		return 0;
	}
	saved = jpath_key(c, key);
	if (cJSON_IsNumber(item) &&
	    (item->valuedouble == 0 || item->valuedouble == 1)) {
		*out = item->valuedouble == 1;
		ret = 0;
	} else if (cJSON_IsNumber(item)) {
		jerr(c, "expected true, false, 0 or 1, found %.17g",
		     item->valuedouble);
		ret = -1;
	} else {
		jerr(c, "expected a boolean, found %s", json_type_name(item));
		ret = -1;
	}
	jpath_restore(c, saved);
	return ret;
}

int json_get_array(struct jctx *c, const cJSON *obj, const char *key,
		   bool required, unsigned int max, const cJSON **out,
		   unsigned int *n)
{
	const cJSON *item;
	size_t saved;
	int ret, size;

	ret = json_member(c, obj, key, required, &item);
	if (ret)
		return ret;
	saved = jpath_key(c, key);
	if (!cJSON_IsArray(item)) {
		jerr(c, "expected an array, found %s", json_type_name(item));
		jpath_restore(c, saved);
		return -1;
	}
	size = cJSON_GetArraySize(item);
	if (size < 0 || (unsigned int)size > max) {
		jerr(c, "too many entries (%d, at most %u)", size, max);
		jpath_restore(c, saved);
		return -1;
	}
	jpath_restore(c, saved);
	*out = item;
	*n = size;
	return 0;
}

int json_get_object(struct jctx *c, const cJSON *obj, const char *key,
		    bool required, const cJSON **out)
{
	const cJSON *item;
	size_t saved;
	int ret;

	ret = json_member(c, obj, key, required, &item);
	if (ret)
		return ret;
	if (!cJSON_IsObject(item)) {
		saved = jpath_key(c, key);
		jerr(c, "expected an object, found %s", json_type_name(item));
		jpath_restore(c, saved);
		return -1;
	}
	*out = item;
	return 0;
}

const cJSON *json_entry(const cJSON *arr, unsigned int i)
{
	if (cJSON_IsObject(arr))
		return i == 0 ? arr : NULL;
	return cJSON_GetArrayItem(arr, (int)i);
}

int json_print_consume(cJSON *item, const char *what)
{
	char *s = cJSON_PrintUnformatted(item);

	cJSON_Delete(item);
	if (!s) {
		fprintf(stderr, "hvisor: %s: out of memory\n", what);
		return 1;
	}
	printf("%s\n", s);
	free(s);
	return 0;
}
