// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_cfg.json: parsing and validation (see virtio_config.h).
 *
 * Everything is checked here, before any backing file, tap or /dev/hvisor
 * is opened, with the same rules as hvisor.ko's attach (regions page
 * aligned, windows of 0x200..0x1000 bytes, 4-byte aligned, not
 * overlapping) plus what only the tool can see (a window inside guest RAM,
 * a MAC, tap or writable image used twice).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/hv_common.h"
#include "common/virtio_limits.h"
#include "virtio_config.h"

#define VIRTIO_PAGE	0x1000ULL
#define TAP_NAME_MAX	15		/* IFNAMSIZ - 1 */

/* The types of upstream's schema, and who serves them. */
static const struct {
	const char *name;
	u32 type;
	bool daemon;		/* upstream's daemon, not hvisor.ko */
} vtypes[] = {
	{ "net", HVISOR_VIRTIO_NET, false },
	{ "blk", HVISOR_VIRTIO_BLK, false },
	{ "console", HVISOR_VIRTIO_CONSOLE, false },
	{ "gpu", HVISOR_VIRTIO_GPU, true }, { "scmi", HVISOR_VIRTIO_SCMI, true },
};

const char *virtio_type_name(u32 type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vtypes); i++)
		if (vtypes[i].type == type)
			return vtypes[i].name;
	return "?";
}

const char *virtio_mac_str(char *buf, const u8 *mac)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

static void vdev_report(const struct virtio_json *v, const struct vdev_cfg *d,
			const char *key, bool note, const char *fmt,
			va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "hvisor: %s: %s%s%s: %s%s\n", v->ctx.file, d->path,
		key ? "." : "", key ? key : "", note ? "note: " : "", msg);
}

void vdev_err(const struct virtio_json *v, const struct vdev_cfg *d,
	      const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdev_report(v, d, key, false, fmt, ap);
	va_end(ap);
}

void vdev_note(const struct virtio_json *v, const struct vdev_cfg *d,
	       const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdev_report(v, d, key, true, fmt, ap);
	va_end(ap);
}

/* Member @key as a non-empty string. */
static int get_name(struct jctx *c, const cJSON *obj, const char *key,
		    bool required, const char **out)
{
	size_t saved;
	int ret;

	ret = json_get_string(c, obj, key, required, out);
	if (ret)
		return ret;
	if (!**out) {
		saved = jpath_key(c, key);
		jerr(c, "is empty");
		jpath_restore(c, saved);
		return -1;
	}
	return 0;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* "02:00:00:00:00:01" (or with '-'); 0 or -EINVAL */
static int parse_mac_string(const char *s, u8 *mac)
{
	unsigned int i;
	int hi, lo;

	for (i = 0; i < 6; i++) {
		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0)
			return -EINVAL;
		mac[i] = hi << 4 | lo;
		s += 2;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -EINVAL;
			s++;
		}
	}
	return *s ? -EINVAL : 0;
}

/* "mac": an array of 6 bytes (numbers or strings), or "02:00:00:00:00:01" */
static int get_mac(struct jctx *c, const cJSON *dev, u8 *mac)
{
	const cJSON *item = json_find(dev, "mac");
	static const u8 zero[6];
	size_t saved, saved2;
	char q[80], m[18];
	unsigned int i;
	__u64 b;
	int n, ret = -1;

	if (!item) {
		json_missing(c, "mac");
		return -1;
	}
	saved = jpath_key(c, "mac");
	if (cJSON_IsString(item)) {
		if (parse_mac_string(item->valuestring, mac)) {
			jerr(c,
			     "%s is not a MAC address (expected \"02:00:00:00:00:01\" or an array of 6 bytes)",
			     json_quote(q, sizeof(q), item->valuestring));
			goto out;
		}
	} else if (cJSON_IsArray(item)) {
		n = cJSON_GetArraySize(item);
		if (n != 6) {
			jerr(c, "expected 6 bytes, found %d", n);
			goto out;
		}
		for (i = 0; i < 6; i++) {
			saved2 = jpath_index(c, i);
			ret = json_uint(c, cJSON_GetArrayItem(item, i), 0xff,
					&b);
			jpath_restore(c, saved2);
			if (ret)
				goto out;
			mac[i] = b;
		}
		ret = -1;
	} else {
		jerr(c, "expected an array of 6 bytes or a string, found %s",
		     json_type_name(item));
		goto out;
	}
	if (mac[0] & 1)
		jerr(c, "%s is a multicast address", virtio_mac_str(m, mac));
	else if (!memcmp(mac, zero, 6))
		jerr(c, "%s is not a valid address", virtio_mac_str(m, mac));
	else
		ret = 0;
out:
	jpath_restore(c, saved);
	return ret;
}

/* What Linux's dev_valid_name() accepts, so TUNSETIFF will not refuse it. */
static int check_tap_name(struct jctx *c, const char *name)
{
	size_t saved = jpath_key(c, "tap");
	char q[80];
	int ret = -1;

	json_quote(q, sizeof(q), name);
	if (strlen(name) > TAP_NAME_MAX)
		jerr(c, "%s is too long (%zu characters, at most %d)", q,
		     strlen(name), TAP_NAME_MAX);
	else if (!strcmp(name, ".") || !strcmp(name, "..") ||
		 strpbrk(name, "/: \t\n\v\f\r"))
		jerr(c, "%s is not a valid interface name", q);
	else
		ret = 0;
	jpath_restore(c, saved);
	return ret;
}

/*
 * "queues" (our extension, blk only): request queues, an integer 1 to
 * HVISOR_VIRTIO_MAX_QUEUES; more than one makes a multi-queue disk.  A JSON
 * number only: upstream has no such field, so no "0x..." strings to accept.
 */
static int get_queues(struct jctx *c, const cJSON *dev, struct vdev_cfg *d)
{
	const cJSON *item = json_find(dev, "queues");
	size_t saved;
	int ret = -1;
	__u64 n;

	if (!item)
		return 0;
	saved = jpath_key(c, "queues");
	if (d->type != HVISOR_VIRTIO_BLK) {
		jerr(c, "only a blk device has \"queues\" (this one is %s)",
		     virtio_type_name(d->type));
	} else if (!cJSON_IsNumber(item)) {
		jerr(c, "expected a number of queues (1 to %d), found %s",
		     HVISOR_VIRTIO_MAX_QUEUES, json_type_name(item));
	} else if (!json_uint(c, item, HVISOR_VIRTIO_MAX_QUEUES, &n)) {
		/* (json_uint() reported anything else) */
		if (n) {
			d->queues = n;
			ret = 0;
		} else {
			jerr(c, "0 is not a valid number of queues (1 to %d)",
			     HVISOR_VIRTIO_MAX_QUEUES);
		}
	}
	jpath_restore(c, saved);
	return ret;
}

static int parse_blk(struct jctx *c, const cJSON *dev, struct vdev_cfg *d)
{
	const char *serial;
	size_t saved;
	char q[80];
	int ret;

	if (get_name(c, dev, "img", true, &d->img))
		return -1;
	if (json_get_bool(c, dev, "readonly", false, &d->readonly) < 0)
		return -1;
	ret = json_get_string(c, dev, "serial", false, &serial);
	if (ret < 0)
		return -1;
	if (!ret) {
		if (strlen(serial) > sizeof(d->serial)) {
			saved = jpath_key(c, "serial");
			jerr(c, "%s is too long (%zu bytes, at most %zu)",
			     json_quote(q, sizeof(q), serial), strlen(serial),
			     sizeof(d->serial));
			jpath_restore(c, saved);
			return -1;
		}
		strncpy(d->serial, serial, sizeof(d->serial));
	}
	return get_queues(c, dev, d);
}

/* Optional member @key: an array of u32 (scmi's clock_ids, ...). */
static int get_u32_array(struct jctx *c, const cJSON *dev, const char *key)
{
	const cJSON *arr;
	unsigned int i, n;
	size_t saved, saved2;
	__u64 v;
	int ret;

	ret = json_get_array(c, dev, key, false, HVISOR_MAX_INTERRUPTS, &arr,
			     &n);
	if (ret)
		return ret < 0 ? -1 : 0;
	saved = jpath_key(c, key);
	for (i = 0; i < n; i++) {
		saved2 = jpath_index(c, i);
		ret = json_uint(c, cJSON_GetArrayItem(arr, i), UINT32_MAX, &v);
		jpath_restore(c, saved2);
		if (ret)
			break;
	}
	jpath_restore(c, saved);
	return ret ? -1 : 0;
}

/*
 * The fields of a device upstream's daemon serves, as it reads them (its
 * config is written from the entry as is): gpu "width" and "height",
 * scmi "clock_ids", "reset_ids", "power_ids".
 */
static int parse_daemon(struct jctx *c, const cJSON *dev, struct vdev_cfg *d)
{
	static const char *const ids[] = { "clock_ids", "reset_ids",
					   "power_ids" };
	unsigned int i;
	__u32 v;

	d->json = dev;
	if (d->type == HVISOR_VIRTIO_GPU)
		return json_get_u32(c, dev, "width", true, &v) < 0 ||
		       json_get_u32(c, dev, "height", true, &v) < 0 ? -1 : 0;
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		if (get_u32_array(c, dev, ids[i]))
			return -1;
	return 0;
}

static int parse_net(struct jctx *c, const cJSON *dev, struct vdev_cfg *d)
{
	if (get_name(c, dev, "tap", true, &d->tap) ||
	    check_tap_name(c, d->tap))
		return -1;
	return get_mac(c, dev, d->mac);
}

/* Type and status; 1 if the device is skipped (disabled). */
static int parse_state(struct jctx *c, const cJSON *dev, struct vdev_cfg *d)
{
	const char *status = NULL;
	size_t saved;
	unsigned int i;
	char q[80];
	int ret;

	if (get_name(c, dev, "type", true, &d->type_name))
		return -1;
	ret = json_get_string(c, dev, "status", false, &status);
	if (ret < 0)
		return -1;
	if (ret) {
		/* upstream dereferences NULL here; we take it as enabled */
		d->status_missing = true;
	} else if (!strcmp(status, "disable")) {
		d->state = VDEV_DISABLED;
		jnote(c, "%s device disabled; skipped",
		      json_quote(q, sizeof(q), d->type_name));
		return 1;
	} else if (strcmp(status, "enable")) {
		saved = jpath_key(c, "status");
		jerr(c, "unknown status %s (expected \"enable\" or \"disable\")",
		     json_quote(q, sizeof(q), status));
		jpath_restore(c, saved);
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(vtypes); i++) {
		if (strcmp(d->type_name, vtypes[i].name))
			continue;
		d->type = vtypes[i].type;
		if (vtypes[i].daemon)
			d->state = VDEV_DAEMON;	/* the command says what it does */
		return 0;
	}
	saved = jpath_key(c, "type");
	jerr(c, "unknown device type %s (expected blk, net, console, gpu or scmi)",
	     json_quote(q, sizeof(q), d->type_name));
	jpath_restore(c, saved);
	return -1;
}

static int parse_device(struct jctx *c, const cJSON *dev, struct vdev_cfg *d,
			unsigned int zi, unsigned int i)
{
	__u64 irq, last;
	size_t saved;
	int ret;

	snprintf(d->path, sizeof(d->path), "zones[%u].devices[%u]", zi, i);
	if (!cJSON_IsObject(dev)) {
		jerr(c, "expected an object, found %s", json_type_name(dev));
		return -1;
	}
	ret = parse_state(c, dev, d);
	if (ret > 0)
		json_mark_all(dev);	/* not parsed: its keys are not judged */
	if (ret)
		return ret < 0 ? -1 : 0;
	if (d->status_missing) {
		saved = jpath_key(c, "status");
		jnote(c, "missing; taken as \"enable\"");
		jpath_restore(c, saved);
	}
	if (json_get_u64(c, dev, "addr", true, &d->addr) ||
	    json_get_u64(c, dev, "len", true, &d->len) ||
	    json_get_uint(c, dev, "irq", true, HVISOR_MAX_INTERRUPTS - 1,
			  &irq))
		return -1;
	d->irq = irq;

	saved = jpath_key(c, "addr");
	if (d->addr % 4)
		jerr(c, "0x%llx is not 4-byte aligned",
		     (unsigned long long)d->addr);
	jpath_restore(c, saved);
	if (d->addr % 4)
		return -1;

	saved = jpath_key(c, "len");
	ret = -1;
	if (d->len < VIRTIO_MIN_LEN)
		jerr(c,
		     "0x%llx is too small (a virtio-mmio window needs 0x%x: 0x100 of registers and the device config)",
		     (unsigned long long)d->len, VIRTIO_MIN_LEN);
	else if (d->len > VIRTIO_MAX_LEN)
		jerr(c, "0x%llx is too large (at most 0x%x)",
		     (unsigned long long)d->len, VIRTIO_MAX_LEN);
	else if (check_add_overflow(d->addr, d->len - 1, &last))
		jerr(c, "window 0x%llx + 0x%llx wraps past 2^64",
		     (unsigned long long)d->addr, (unsigned long long)d->len);
	else
		ret = 0;
	jpath_restore(c, saved);
	if (ret)
		return -1;

	if (!d->irq) {
		saved = jpath_key(c, "irq");
		jerr(c, "0 is not a valid interrupt (1 to %d)",
		     HVISOR_MAX_INTERRUPTS - 1);
		jpath_restore(c, saved);
		return -1;
	}
	if (d->type == HVISOR_VIRTIO_BLK)
		return parse_blk(c, dev, d);
	if (get_queues(c, dev, d))
		return -1;	/* "queues" is for blk only */
	if (d->type == HVISOR_VIRTIO_NET)
		return parse_net(c, dev, d);
	if (d->state == VDEV_DAEMON)
		return parse_daemon(c, dev, d);
	return 0;
}

static int parse_region(struct jctx *c, const cJSON *r,
			struct hvisor_virtio_region *out)
{
	static const char *const keys[] = { "zone0_ipa", "zonex_ipa", "size" };
	__u64 v[3], end;
	unsigned int k;
	size_t saved;
	int ret = -1;

	if (!cJSON_IsObject(r)) {
		jerr(c, "expected an object, found %s", json_type_name(r));
		return -1;
	}
	for (k = 0; k < 3; k++)
		if (json_get_u64(c, r, keys[k], true, &v[k]))
			return -1;
	out->zone0_ipa = v[0];
	out->zonex_ipa = v[1];
	out->size = v[2];
	for (k = 0; k < 2; k++) {
		if (!(v[k] % VIRTIO_PAGE))
			continue;
		saved = jpath_key(c, keys[k]);
		jerr(c, "0x%llx is not 4 KiB aligned", (unsigned long long)v[k]);
		jpath_restore(c, saved);
		return -1;
	}
	saved = jpath_key(c, "size");
	if (!v[2])
		jerr(c, "is zero");
	else if (v[2] % VIRTIO_PAGE)
		jerr(c, "0x%llx is not a multiple of 4 KiB",
		     (unsigned long long)v[2]);
	else if (check_add_overflow(v[0], v[2] - 1, &end))
		jerr(c, "zone 0 range 0x%llx + 0x%llx wraps past 2^64",
		     (unsigned long long)v[0], (unsigned long long)v[2]);
	else if (check_add_overflow(v[1], v[2] - 1, &end))
		jerr(c, "guest range 0x%llx + 0x%llx wraps past 2^64",
		     (unsigned long long)v[1], (unsigned long long)v[2]);
	else
		ret = 0;
	jpath_restore(c, saved);
	return ret;
}

/* [a, a + alen) and [b, b + blen) with non-zero lengths that do not wrap */
static bool overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a <= b + (blen - 1) && b <= a + (alen - 1);
}

int vzone_irqs_add(u32 *irqs, unsigned int *n, u32 irq)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (irqs[i] == irq)
			return 0;
	if (*n == HV_VIRTIO_MAX_ZONE_IRQS)
		return -1;
	irqs[(*n)++] = irq;
	return 0;
}

const char *vzone_irqs_str(char *buf, size_t size, const u32 *irqs,
			   unsigned int n)
{
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%u", i ? ", " : "",
				irqs[i]);
	return buf;
}

/* hvisor's limit on the distinct virtio irqs of a zone (virtio_limits.h) */
static int check_zone_irqs(struct virtio_json *v, const struct vzone_cfg *z)
{
	u32 irqs[HV_VIRTIO_MAX_ZONE_IRQS];
	const struct vdev_cfg *d;
	unsigned int i, n = 0;
	char list[80];

	for (i = 0; i < z->nr_devices; i++) {
		d = &z->devices[i];
		if (!vdev_enabled(d) || !vzone_irqs_add(irqs, &n, d->irq))
			continue;
		vdev_err(v, d, "irq",
			 "%u would be distinct virtio interrupt %u of zone %u (the others: %s): hvisor handles at most %u per zone",
			 d->irq, HV_VIRTIO_MAX_ZONE_IRQS + 1, z->id,
			 vzone_irqs_str(list, sizeof(list), irqs, n),
			 HV_VIRTIO_MAX_ZONE_IRQS);
		return -1;
	}
	return 0;
}

static int check_zone(struct virtio_json *v, struct vzone_cfg *z)
{
	const struct hvisor_virtio_region *r = z->regions;
	const struct vdev_cfg *d, *e;
	unsigned int i, j;

	for (i = 0; i < z->nr_regions; i++) {
		for (j = 0; j < i; j++) {
			if (!overlap(r[i].zonex_ipa, r[i].size, r[j].zonex_ipa,
				     r[j].size))
				continue;
			fprintf(stderr,
				"hvisor: %s: %s.memory_region[%u]: guest range overlaps memory_region[%u]\n",
				v->ctx.file, z->path, i, j);
			return -1;
		}
	}
	for (i = 0; i < z->nr_devices; i++) {
		d = &z->devices[i];
		if (!vdev_enabled(d))
			continue;
		for (j = 0; j < z->nr_regions; j++) {
			if (!overlap(d->addr, d->len, r[j].zonex_ipa,
				     r[j].size))
				continue;
			vdev_err(v, d, NULL,
				 "window [0x%llx, 0x%llx) overlaps the guest RAM of memory_region[%u]",
				 (unsigned long long)d->addr,
				 (unsigned long long)(d->addr + d->len), j);
			return -1;
		}
		for (j = 0; j < i; j++) {
			e = &z->devices[j];
			if (!vdev_enabled(e))
				continue;
			if (d->addr == e->addr) {
				vdev_err(v, d, "addr",
					 "0x%llx is also the address of %s",
					 (unsigned long long)d->addr, e->path);
				return -1;
			}
			if (overlap(d->addr, d->len, e->addr, e->len)) {
				vdev_err(v, d, NULL,
					 "window [0x%llx, 0x%llx) overlaps %s",
					 (unsigned long long)d->addr,
					 (unsigned long long)(d->addr + d->len),
					 e->path);
				return -1;
			}
		}
	}
	return 0;
}

/* A MAC, a tap or a writable image used by two devices of the file. */
static int check_shared(struct virtio_json *v, const struct vdev_cfg *d)
{
	const struct vdev_cfg *e;
	unsigned int zi, i;
	char q[80], m[18];

	for (zi = 0; zi < v->nr_zones; zi++) {
		for (i = 0; i < v->zones[zi].nr_devices; i++) {
			e = &v->zones[zi].devices[i];
			if (e == d)
				return 0;
			if (e->state != VDEV_ENABLED || e->type != d->type)
				continue;
			if (d->type == HVISOR_VIRTIO_NET &&
			    !memcmp(d->mac, e->mac, 6)) {
				vdev_err(v, d, "mac", "%s is also the address of %s",
					 virtio_mac_str(m, d->mac), e->path);
				return -1;
			}
			if (d->type == HVISOR_VIRTIO_NET &&
			    !strcmp(d->tap, e->tap)) {
				vdev_err(v, d, "tap", "%s is also used by %s",
					 json_quote(q, sizeof(q), d->tap),
					 e->path);
				return -1;
			}
			if (d->type == HVISOR_VIRTIO_BLK &&
			    !strcmp(d->img, e->img) &&
			    !(d->readonly && e->readonly)) {
				vdev_err(v, d, "img",
					 "%s is also used by %s (only read-only images may be shared)",
					 json_quote(q, sizeof(q), d->img),
					 e->path);
				return -1;
			}
		}
	}
	return 0;
}

static int parse_zone(struct virtio_json *v, const cJSON *zj,
		      struct vzone_cfg *z, unsigned int zi)
{
	struct jctx *c = &v->ctx;
	const cJSON *arr;
	unsigned int i, n;
	__u64 id;
	size_t saved;

	snprintf(z->path, sizeof(z->path), "zones[%u]", zi);
	z->json = zj;
	if (!cJSON_IsObject(zj)) {
		jerr(c, "expected an object, found %s", json_type_name(zj));
		return -1;
	}
	if (json_get_uint(c, zj, "id", true, UINT32_MAX, &id))
		return -1;
	saved = jpath_key(c, "id");
	if (id == 0)
		jerr(c, "zone 0 is the root zone");
	else if (id >= HVISOR_MAX_ZONES)
		jerr(c, "%llu is not below %d", (unsigned long long)id,
		     HVISOR_MAX_ZONES);
	jpath_restore(c, saved);
	if (id == 0 || id >= HVISOR_MAX_ZONES)
		return -1;
	z->id = id;

	if (json_get_array(c, zj, "memory_region", true,
			   HVISOR_VIRTIO_MAX_REGIONS, &arr, &n))
		return -1;
	if (!n) {
		saved = jpath_key(c, "memory_region");
		jerr(c, "empty: the devices need the zone's RAM");
		jpath_restore(c, saved);
		return -1;
	}
	for (i = 0; i < n; i++) {
		saved = jpath_key(c, "memory_region");
		jpath_index(c, i);
		if (parse_region(c, cJSON_GetArrayItem(arr, i),
				 &z->regions[i])) {
			jpath_restore(c, saved);
			return -1;
		}
		jpath_restore(c, saved);
	}
	z->nr_regions = n;

	if (json_get_array(c, zj, "devices", true, HVISOR_VIRTIO_MAX_DEVICES,
			   &arr, &n))
		return -1;
	for (i = 0; i < n; i++) {
		saved = jpath_key(c, "devices");
		jpath_index(c, i);
		if (parse_device(c, cJSON_GetArrayItem(arr, i),
				 &z->devices[i], zi, i)) {
			jpath_restore(c, saved);
			return -1;
		}
		jpath_restore(c, saved);
		z->nr_devices = i + 1;
	}
	return 0;
}

struct virtio_json *virtio_json_parse(const char *file)
{
	struct virtio_json *v;
	const cJSON *arr;
	unsigned int i, j, n;
	size_t saved;

	v = calloc(1, sizeof(*v));
	if (!v) {
		fprintf(stderr, "hvisor: %s: out of memory\n", file);
		return NULL;
	}
	jctx_init(&v->ctx, file);
	v->root = json_load_file(&v->ctx);
	if (!v->root)
		goto fail;
	if (!cJSON_IsObject(v->root)) {
		jerr(&v->ctx, "expected a JSON object at the top level, found %s",
		     json_type_name(v->root));
		goto fail;
	}
	if (json_get_array(&v->ctx, v->root, "zones", true, HVISOR_MAX_ZONES,
			   &arr, &n))
		goto fail;
	if (!n) {
		saved = jpath_key(&v->ctx, "zones");
		jerr(&v->ctx, "empty: no zone to serve");
		jpath_restore(&v->ctx, saved);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		saved = jpath_key(&v->ctx, "zones");
		jpath_index(&v->ctx, i);
		if (parse_zone(v, cJSON_GetArrayItem(arr, i), &v->zones[i], i))
			goto fail;
		jpath_restore(&v->ctx, saved);
		v->nr_zones = i + 1;
		for (j = 0; j < i; j++) {
			if (v->zones[j].id != v->zones[i].id)
				continue;
			fprintf(stderr,
				"hvisor: %s: %s.id: zone %u is listed twice (also %s)\n",
				file, v->zones[i].path, v->zones[i].id,
				v->zones[j].path);
			goto fail;
		}
		if (check_zone(v, &v->zones[i]) ||
		    check_zone_irqs(v, &v->zones[i]))
			goto fail;
		for (j = 0; j < v->zones[i].nr_devices; j++)
			if (v->zones[i].devices[j].state == VDEV_ENABLED &&
			    check_shared(v, &v->zones[i].devices[j]))
				goto fail;
	}
	if (json_unknown_keys(file, v->root))
		goto fail;
	return v;
fail:
	virtio_json_free(v);
	return NULL;
}

void virtio_json_free(struct virtio_json *v)
{
	if (!v)
		return;
	cJSON_Delete(v->root);
	free(v);
}

int vdev_stat_img(const struct virtio_json *v, const struct vdev_cfg *d)
{
	struct stat st;
	char q[80];

	json_quote(q, sizeof(q), d->img);
	if (stat(d->img, &st)) {
		if (errno == ENOENT)
			return -ENOENT;
		vdev_err(v, d, "img", "%s: %s", q, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		vdev_err(v, d, "img", "%s: is a directory", q);
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		vdev_err(v, d, "img", "%s: is not a regular file or a block device",
			 q);
		return -1;
	}
	if (S_ISREG(st.st_mode) && !st.st_size) {
		vdev_err(v, d, "img", "%s: file is empty", q);
		return -1;
	}
	return 0;
}
