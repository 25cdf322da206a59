// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor virtio check | attach | detach | list.
 *
 * attach: validate the whole file, open /dev/hvisor, open every backing
 * file and tap, then one HVISOR_VIRTIO_ATTACH per zone.  If a zone is
 * refused, the zones attached before it by this command are detached
 * again, device by device, so the command does all or nothing.  The file
 * descriptors are closed before exit: hvisor.ko holds its own references.
 *
 * Devices of a type hvisor.ko does not serve (gpu, scmi) are attached as
 * served by a daemon (HVISOR_VIRTIO_F_DAEMON): hvisor.ko holds their
 * windows and forwards their accesses to upstream's daemon, whose own
 * virtio config --daemon-config writes (upstream's schema, those devices
 * only), renamed into place only once everything is attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "common/virtio_limits.h"
#include "common/zone_check.h"
#include "hvdev.h"
#include "virtio_cmd.h"
#include "virtio_config.h"

#define TUN_PATH		"/dev/net/tun"
#define TAP_FLAGS		(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR)
#define LIST_MAX		4096
/* upstream's daemon: MAX_DEVS, devices across all zones of its config */
#define UPSTREAM_MAX_DEVS	8

/* Attached by this command: served by hvisor.ko, or by a daemon. */
static bool to_attach(const struct vdev_cfg *d, const struct virtio_opts *o)
{
	return d->state == VDEV_ENABLED ||
	       (d->state == VDEV_DAEMON && !o->skip_unsupported);
}

/* ------------------------------------------------------------ check */

static void print_region(const struct hvisor_virtio_region *r, unsigned int i)
{
	printf("    region [%u] zone0 0x%llx-0x%llx  guest 0x%llx-0x%llx\n", i,
	       (unsigned long long)r->zone0_ipa,
	       (unsigned long long)(r->zone0_ipa + r->size - 1),
	       (unsigned long long)r->zonex_ipa,
	       (unsigned long long)(r->zonex_ipa + r->size - 1));
}

static void print_device(const struct vdev_cfg *d, unsigned int i,
			 bool img_missing, const struct virtio_opts *o)
{
	char m[18];

	if (d->state == VDEV_DISABLED) {
		printf("    device [%u] %s: disabled\n", i, d->type_name);
		return;
	}
	printf("    device [%u] %s@0x%llx+0x%llx irq %u", i,
	       virtio_type_name(d->type),
	       (unsigned long long)d->addr, (unsigned long long)d->len,
	       d->irq);
	if (d->state == VDEV_DAEMON) {
		printf("  %s\n", to_attach(d, o) ? "for a daemon" :
		       "for a daemon: skipped");
		return;
	}
	if (d->type == HVISOR_VIRTIO_BLK) {
		printf("  img %s (%s%s)", d->img,
		       d->readonly ? "read-only" : "read-write",
		       img_missing ? ", not found" : "");
		if (d->serial[0])
			printf(" serial %.20s", d->serial);
		if (d->queues > 1)
			printf(" queues %u", d->queues);
	} else if (d->type == HVISOR_VIRTIO_NET) {
		printf("  tap %s mac %s", d->tap, virtio_mac_str(m, d->mac));
	}
	printf("\n");
}

/* Read /sys/class/net/<name>/tun_flags; -ENOENT, -ENODEV (not tun), 0. */
static int tap_sys_flags(const char *name, unsigned int *flags)
{
	char path[PATH_MAX], buf[32];
	struct stat st;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	if (stat(path, &st))
		return -ENOENT;
	snprintf(path, sizeof(path), "/sys/class/net/%s/tun_flags", name);
	f = fopen(path, "re");
	if (!f)
		return -ENODEV;
	ok = !!fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!ok)
		return -ENODEV;
	*flags = strtoul(buf, NULL, 0);
	return 0;
}

/* Why TUNSETIFF would refuse an existing interface; NULL if it would not. */
static const char *tap_conflict(const char *name)
{
	unsigned int flags;
	int ret = tap_sys_flags(name, &flags);

	if (ret == -ENOENT)
		return NULL;
	if (ret)
		return "an interface of that name exists and is not a tun/tap device";
	if (!(flags & IFF_TAP))
		return "an interface of that name exists and is a tun (layer 3) device, not a tap";
	if (flags & IFF_MULTI_QUEUE)
		return "an interface of that name exists and is a multi-queue tap";
	return NULL;
}

/* Devices for a daemon that --skip-unsupported skips: a note each. */
static void note_skipped(const struct virtio_json *v,
			 const struct vzone_cfg *z, const struct virtio_opts *o)
{
	const struct vdev_cfg *d;
	unsigned int i;

	for (i = 0; i < z->nr_devices; i++) {
		d = &z->devices[i];
		if (d->state == VDEV_DAEMON && !to_attach(d, o))
			vdev_note(v, d, NULL,
				  "type \"%s\" is served by a daemon, not by hvisor.ko; skipped (--skip-unsupported)",
				  d->type_name);
	}
}

/*
 * What attach would find: devices to attach, images and taps, in zone
 * o->zone_id only when it is >= 0.  0 or -1 after a message.
 */
static int check_backends(const struct virtio_json *v, unsigned int *nr,
			  const struct virtio_opts *o)
{
	int zone_id = o->zone_id;
	const struct vdev_cfg *d;
	unsigned int zi, i, total = 0, n = 0;
	const char *why;
	char q[80];
	int ret, fd;

	for (zi = 0; zi < v->nr_zones; zi++) {
		nr[zi] = 0;
		if (zone_id >= 0 && v->zones[zi].id != (u32)zone_id)
			continue;
		n++;
		note_skipped(v, &v->zones[zi], o);
		for (i = 0; i < v->zones[zi].nr_devices; i++)
			total += to_attach(&v->zones[zi].devices[i], o);
	}
	/* as attach says it */
	if (!n) {
		fprintf(stderr, "hvisor: %s: no zone with id %d in the file\n",
			v->ctx.file, zone_id);
		return -1;
	}
	if (!total) {
		fprintf(stderr, "hvisor: %s: no enabled device to attach\n",
			v->ctx.file);
		return -1;
	}
	for (zi = 0; zi < v->nr_zones; zi++) {
		if (zone_id >= 0 && v->zones[zi].id != (u32)zone_id)
			continue;
		for (i = 0; i < v->zones[zi].nr_devices; i++) {
			d = &v->zones[zi].devices[i];
			if (!to_attach(d, o))
				continue;
			nr[zi]++;
			if (d->type == HVISOR_VIRTIO_NET) {
				why = tap_conflict(d->tap);
				if (why) {
					vdev_err(v, d, "tap", "%s: %s",
						 json_quote(q, sizeof(q), d->tap),
						 why);
					return -1;
				}
			}
			if (d->type != HVISOR_VIRTIO_BLK)
				continue;
			ret = vdev_stat_img(v, d);
			if (ret == -ENOENT) {
				vdev_note(v, d, "img", "%s not found; attach needs it",
					  json_quote(q, sizeof(q), d->img));
				continue;
			}
			if (ret)
				return -1;
			/* as attach opens it, so permissions are checked too */
			fd = open(d->img, (d->readonly ? O_RDONLY : O_RDWR) |
				  O_CLOEXEC);
			if (fd < 0) {
				vdev_err(v, d, "img", "%s: %s%s",
					 json_quote(q, sizeof(q), d->img),
					 strerror(errno),
					 d->readonly ? "" :
					 " (opened read-write; set \"readonly\": true to serve it read-only)");
				return -1;
			}
			close(fd);
		}
	}
	return 0;
}

/* Devices left for a daemon among those attached, in zone @zone_id or all. */
static unsigned int nr_daemon(const struct virtio_json *v,
			      const struct virtio_opts *o)
{
	const struct vzone_cfg *z;
	unsigned int zi, i, n = 0;

	for (zi = 0; zi < v->nr_zones; zi++) {
		z = &v->zones[zi];
		if (o->zone_id >= 0 && z->id != (u32)o->zone_id)
			continue;
		for (i = 0; i < z->nr_devices; i++)
			n += z->devices[i].state == VDEV_DAEMON &&
			     to_attach(&z->devices[i], o);
	}
	return n;
}

int virtio_check_cmd(const char *file, const struct virtio_opts *o)
{
	unsigned int nr[HVISOR_MAX_ZONES], zi, i, total = 0, daemon;
	int zone_id = o->zone_id;
	const struct vzone_cfg *z;
	struct virtio_json *v;
	struct stat st;
	bool missing;

	v = virtio_json_parse(file);
	if (!v)
		return 1;
	if (check_backends(v, nr, o)) {
		virtio_json_free(v);
		return 1;
	}
	for (zi = 0; zi < v->nr_zones; zi++)
		total += nr[zi];
	daemon = nr_daemon(v, o);
	printf("%s: virtio config OK\n", file);
	printf("  zones:       %u\n", v->nr_zones);
	if (daemon)
		printf("  devices:     %u to attach, %u of them for a daemon\n",
		       total, daemon);
	else
		printf("  devices:     %u to attach\n", total);
	for (zi = 0; zi < v->nr_zones; zi++) {
		z = &v->zones[zi];
		if (zone_id >= 0 && z->id != (u32)zone_id)
			continue;
		printf("  zone %u: %u region%s, %u device%s to attach\n", z->id,
		       z->nr_regions, z->nr_regions == 1 ? "" : "s", nr[zi],
		       nr[zi] == 1 ? "" : "s");
		for (i = 0; i < z->nr_regions; i++)
			print_region(&z->regions[i], i);
		for (i = 0; i < z->nr_devices; i++) {
			const struct vdev_cfg *d = &z->devices[i];

			missing = d->state == VDEV_ENABLED &&
				  d->type == HVISOR_VIRTIO_BLK &&
				  stat(d->img, &st) && errno == ENOENT;
			print_device(d, i, missing, o);
		}
	}
	virtio_json_free(v);
	return 0;
}

/* ------------------------------------------------------------ attach */

static int open_img(const struct virtio_json *v, const struct vdev_cfg *d)
{
	struct stat st;
	char q[80];
	int fd, err;

	json_quote(q, sizeof(q), d->img);
	fd = vdev_stat_img(v, d);
	if (fd == -ENOENT)
		vdev_err(v, d, "img", "%s: %s", q, strerror(ENOENT));
	if (fd)
		return -1;
	fd = open(d->img, (d->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (!d->readonly && (err == EACCES || err == EROFS ||
				     err == EPERM))
			vdev_err(v, d, "img",
				 "%s: %s (opened read-write; set \"readonly\": true to serve it read-only)",
				 q, strerror(err));
		else
			vdev_err(v, d, "img", "%s: %s", q, strerror(err));
		return -1;
	}
	/* again on the open file: it may have changed since the stat */
	if (fstat(fd, &st) || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) ||
	    (S_ISREG(st.st_mode) && !st.st_size)) {
		vdev_err(v, d, "img", "%s: not a non-empty regular file or a block device",
			 q);
		close(fd);
		return -1;
	}
	return fd;
}

static int open_tap(const struct virtio_json *v, const struct vdev_cfg *d)
{
	int fd, err, hdr = VIRTIO_NET_HDR_SIZE;
	const char *why;
	struct ifreq ifr;
	char q[80];

	json_quote(q, sizeof(q), d->tap);
	fd = open(TUN_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		vdev_err(v, d, "tap", "%s: %s: %s%s", q, TUN_PATH,
			 strerror(err),
			 err == ENOENT || err == ENODEV ?
			 " (is the tun module loaded?)" : "");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = TAP_FLAGS;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", d->tap);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		err = errno;
		why = err == EINVAL ? tap_conflict(d->tap) : NULL;
		if (why)
			vdev_err(v, d, "tap", "%s: %s", q, why);
		else if (err == EBUSY)
			vdev_err(v, d, "tap", "%s: %s (the tap is in use by another program)",
				 q, strerror(err));
		else if (err == EPERM)
			vdev_err(v, d, "tap",
				 "%s: %s (creating a tap needs CAP_NET_ADMIN; an existing one must belong to this user)",
				 q, strerror(err));
		else
			vdev_err(v, d, "tap", "%s: TUNSETIFF: %s", q,
				 strerror(err));
		close(fd);
		return -1;
	}
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr)) {
		vdev_err(v, d, "tap", "%s: TUNSETVNETHDRSZ %d: %s", q, hdr,
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

struct attach_zone {
	const struct vzone_cfg *z;
	unsigned int nr;
	struct hvisor_virtio_device devs[HVISOR_VIRTIO_MAX_DEVICES];
	const struct vdev_cfg *cfg[HVISOR_VIRTIO_MAX_DEVICES];
	char backend[HVISOR_VIRTIO_MAX_DEVICES][PATH_MAX];
	bool attached;
};

static void close_fds(struct attach_zone *a, unsigned int nr_zones)
{
	unsigned int zi, i;

	for (zi = 0; zi < nr_zones; zi++) {
		for (i = 0; i < a[zi].nr; i++) {
			if (a[zi].devs[i].fd >= 0)
				close(a[zi].devs[i].fd);
			a[zi].devs[i].fd = -1;
		}
	}
}

/* Fill a->devs from the config and open the backends. */
static int prepare_zone(const struct virtio_json *v, struct attach_zone *a,
			const struct virtio_opts *o)
{
	struct hvisor_virtio_device *hd;
	const struct vdev_cfg *d;
	unsigned int i;
	int fd;

	for (i = 0; i < a->z->nr_devices; i++) {
		d = &a->z->devices[i];
		if (!to_attach(d, o))
			continue;
		hd = &a->devs[a->nr];
		memset(hd, 0, sizeof(*hd));
		hd->fd = -1;
		a->cfg[a->nr] = d;
		a->nr++;
		hd->type = d->type;
		hd->irq = d->irq;
		hd->addr = d->addr;
		hd->len = d->len;
		if (d->state == VDEV_DAEMON) {
			hd->flags |= HVISOR_VIRTIO_F_DAEMON;
		} else if (d->type == HVISOR_VIRTIO_BLK) {
			fd = open_img(v, d);
			if (fd < 0)
				return -1;
			hd->fd = fd;
			if (d->readonly)
				hd->flags |= HVISOR_VIRTIO_F_READONLY;
			memcpy(hd->serial, d->serial, sizeof(hd->serial));
			hd->num_queues = d->queues;
			if (!realpath(d->img, a->backend[a->nr - 1]))
				snprintf(a->backend[a->nr - 1], PATH_MAX, "%s",
					 d->img);
		} else if (d->type == HVISOR_VIRTIO_NET) {
			fd = open_tap(v, d);
			if (fd < 0)
				return -1;
			hd->fd = fd;
			memcpy(hd->mac, d->mac, sizeof(hd->mac));
			snprintf(a->backend[a->nr - 1], PATH_MAX, "%s", d->tap);
		}
	}
	return 0;
}

static int detach_one(int fd, u32 zone_id, u64 addr)
{
	struct hvisor_virtio_detach req = {
		.size = sizeof(req), .zone_id = zone_id, .addr = addr,
	};

	return ioctl(fd, HVISOR_VIRTIO_DETACH, &req) ? -errno : 0;
}

/* Undo the zones this command attached; says what it did. */
static void rollback(int hvfd, struct attach_zone *a, unsigned int nr_zones)
{
	unsigned int zi, i, n;
	int err;

	for (zi = 0; zi < nr_zones; zi++) {
		if (!a[zi].attached)
			continue;
		n = 0;
		for (i = 0; i < a[zi].nr; i++) {
			err = detach_one(hvfd, a[zi].z->id, a[zi].devs[i].addr);
			if (err)
				fprintf(stderr,
					"hvisor: virtio attach: zone %u: could not detach %s@0x%llx again: %s\n",
					a[zi].z->id,
					virtio_type_name(a[zi].devs[i].type),
					(unsigned long long)a[zi].devs[i].addr,
					strerror(-err));
			else
				n++;
		}
		if (n == a[zi].nr)
			fprintf(stderr,
				"hvisor: virtio attach: zone %u: detached its %u device%s again\n",
				a[zi].z->id, n, n == 1 ? "" : "s");
		else
			fprintf(stderr,
				"hvisor: virtio attach: zone %u: only %u of its %u devices detached again: see 'hvisor virtio list'\n",
				a[zi].z->id, n, a[zi].nr);
	}
}

/* HVISOR_VIRTIO_LIST into a new array (free() it); -1 after a message. */
static int virtio_list_get(int fd, const char *cmd,
			   struct hvisor_virtio_info **out, unsigned int *n)
{
	struct hvisor_virtio_list list;
	struct hvisor_virtio_info *info = NULL, *p;
	unsigned int cap = 64, i;

	for (;;) {
		p = realloc(info, cap * sizeof(*info));
		if (!p) {
			free(info);
			fprintf(stderr, "hvisor: %s: out of memory\n", cmd);
			return -1;
		}
		info = p;
		memset(info, 0, cap * sizeof(*info));
		memset(&list, 0, sizeof(list));
		list.size = sizeof(list);
		list.count = cap;
		list.devices = (uintptr_t)info;
		if (ioctl(fd, HVISOR_VIRTIO_LIST, &list)) {
			fprintf(stderr,
				"hvisor: %s: HVISOR_VIRTIO_LIST: %s (see dmesg for the reason)\n",
				cmd, strerror(errno));
			free(info);
			return -1;
		}
		if (list.count < cap || cap >= LIST_MAX)
			break;
		cap *= 2;	/* full: there may be more */
	}
	*n = list.count < cap ? list.count : cap;
	for (i = 0; i < *n; i++) {
		info[i].backend[sizeof(info[i].backend) - 1] = '\0';
		info[i].tty[sizeof(info[i].tty) - 1] = '\0';
	}
	*out = info;
	return 0;
}

/*
 * What hvisor.ko would refuse (kernel/virtio/attach.c), said with the JSON
 * path: an irq hvisor cannot inject on @arch, and more distinct irqs for a
 * zone than hvisor takes, counting those of the devices already attached
 * to it.  0, or -1 after a message.
 */
static int check_irqs(int hvfd, const struct virtio_json *v,
		      const struct attach_zone *a, unsigned int nr_zones,
		      u32 arch, const struct virtio_opts *o)
{
	struct hvisor_virtio_info *info = NULL;
	u32 irqs[HV_VIRTIO_MAX_ZONE_IRQS], min, max;
	unsigned int zi, i, k, n, attached, nr_info = 0;
	const struct vdev_cfg *d;
	bool ranged = hv_virtio_irq_range(arch, &min, &max);
	char list[80];
	int ret = -1;

	if (virtio_list_get(hvfd, "virtio attach", &info, &nr_info))
		return -1;
	for (zi = 0; zi < nr_zones; zi++) {
		n = 0;
		for (k = 0; k < nr_info; k++)
			if (info[k].zone_id == a[zi].z->id)
				vzone_irqs_add(irqs, &n, info[k].irq);
		attached = n;
		for (i = 0; i < a[zi].z->nr_devices; i++) {
			d = &a[zi].z->devices[i];
			if (!to_attach(d, o))
				continue;
			if (ranged && (d->irq < min || d->irq > max)) {
				vdev_err(v, d, "irq",
					 "%u is out of range for hvisor on %s (%u to %u)",
					 d->irq, hv_arch_name(arch), min, max);
				goto out;
			}
			if (!vzone_irqs_add(irqs, &n, d->irq))
				continue;
			vdev_err(v, d, "irq",
				 "%u would be distinct virtio interrupt %u of zone %u, which has devices attached with %u of them (%s): hvisor handles at most %u per zone",
				 d->irq, HV_VIRTIO_MAX_ZONE_IRQS + 1, a[zi].z->id,
				 attached,
				 vzone_irqs_str(list, sizeof(list), irqs,
						attached),
				 HV_VIRTIO_MAX_ZONE_IRQS);
			goto out;
		}
	}
	ret = 0;
out:
	free(info);
	return ret;
}

/* The entry of LIST for the device at @addr of zone @zone_id, or NULL. */
static const struct hvisor_virtio_info *
list_find(const struct hvisor_virtio_info *info, unsigned int n, u32 zone_id,
	  u64 addr)
{
	unsigned int k;

	for (k = 0; k < n; k++)
		if (info[k].zone_id == zone_id && info[k].addr == addr)
			return &info[k];
	return NULL;
}

static void print_attached(int hvfd, struct attach_zone *a,
			   unsigned int nr_zones)
{
	struct hvisor_virtio_info *info = NULL;
	const struct hvisor_virtio_info *e;
	const struct hvisor_virtio_device *hd;
	unsigned int zi, i, n = 0;
	char m[18];

	if (virtio_list_get(hvfd, "virtio attach", &info, &n))
		n = 0;
	for (zi = 0; zi < nr_zones; zi++) {
		for (i = 0; i < a[zi].nr; i++) {
			hd = &a[zi].devs[i];
			e = list_find(info, n, a[zi].z->id, hd->addr);
			printf("zone %u: %s@0x%llx irq %u ", a[zi].z->id,
			       virtio_type_name(hd->type),
			       (unsigned long long)hd->addr, hd->irq);
			if (hd->flags & HVISOR_VIRTIO_F_DAEMON) {
				printf("-> %s\n", e && e->backend[0] ?
				       e->backend : "daemon");
				continue;
			}
			if (hd->type == HVISOR_VIRTIO_BLK) {
				printf("<- %s (%s", a[zi].backend[i],
				       hd->flags & HVISOR_VIRTIO_F_READONLY ?
				       "read-only" : "read-write");
				if (hd->num_queues > 1)
					printf(", %u queues", hd->num_queues);
				printf(")\n");
				continue;
			}
			if (hd->type == HVISOR_VIRTIO_NET) {
				printf("<- %s mac %s\n", a[zi].backend[i],
				       virtio_mac_str(m, hd->mac));
				continue;
			}
			if (e && e->tty[0])
				printf("-> /dev/%s\n", e->tty);
			else
				printf("-> (no tty reported)\n");
		}
	}
	free(info);
}

/* Does zone @a attach a device served by a daemon? */
static bool zone_has_daemon(const struct attach_zone *a)
{
	unsigned int i;

	for (i = 0; i < a->nr; i++)
		if (a->devs[i].flags & HVISOR_VIRTIO_F_DAEMON)
			return true;
	return false;
}

/* "0x..." as upstream reads any number: addresses past 2^31 need a string */
static cJSON *hex_string(u64 v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return cJSON_CreateString(buf);
}

/* @key of @obj set to @item (consumed); false if out of memory. */
static bool json_set(cJSON *obj, const char *key, cJSON *item)
{
	if (!item)
		return false;
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		return cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item);
	if (cJSON_AddItemToObject(obj, key, item))
		return true;
	cJSON_Delete(item);
	return false;
}

/* Zone @a's entry of the daemon's config: its regions, its daemon devices. */
static cJSON *daemon_zone(const struct attach_zone *a)
{
	const struct hvisor_virtio_region *r;
	cJSON *zone, *regions, *devices, *o;
	const struct vdev_cfg *d;
	unsigned int i;

	zone = cJSON_CreateObject();
	if (!zone || !cJSON_AddNumberToObject(zone, "id", a->z->id))
		goto oom;
	regions = cJSON_AddArrayToObject(zone, "memory_region");
	devices = cJSON_AddArrayToObject(zone, "devices");
	if (!regions || !devices)
		goto oom;
	for (i = 0; i < a->z->nr_regions; i++) {
		r = &a->z->regions[i];
		o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(regions, o)) {
			cJSON_Delete(o);
			goto oom;
		}
		if (!json_set(o, "zone0_ipa", hex_string(r->zone0_ipa)) ||
		    !json_set(o, "zonex_ipa", hex_string(r->zonex_ipa)) ||
		    !json_set(o, "size", hex_string(r->size)))
			goto oom;
	}
	for (i = 0; i < a->nr; i++) {
		if (!(a->devs[i].flags & HVISOR_VIRTIO_F_DAEMON))
			continue;
		d = a->cfg[i];
		/* as written, with what upstream needs spelled its way */
		o = cJSON_Duplicate(d->json, true);
		if (!o || !cJSON_AddItemToArray(devices, o)) {
			cJSON_Delete(o);
			goto oom;
		}
		if (!json_set(o, "addr", hex_string(d->addr)) ||
		    !json_set(o, "len", hex_string(d->len)) ||
		    !json_set(o, "irq", cJSON_CreateNumber(d->irq)) ||
		    !json_set(o, "status", cJSON_CreateString("enable")))
			goto oom;
	}
	return zone;
oom:
	cJSON_Delete(zone);
	return NULL;
}

/* Can --daemon-config @file hold the @count devices left for a daemon? */
static int daemon_config_check(const struct virtio_json *v,
			       unsigned int count, const char *file)
{
	if (!count) {
		fprintf(stderr,
			"hvisor: %s: no device for a daemon (gpu, scmi): --daemon-config %s would have none\n",
			v->ctx.file, file);
		return -1;
	}
	if (count > UPSTREAM_MAX_DEVS) {
		fprintf(stderr,
			"hvisor: %s: %u devices for a daemon: upstream's daemon serves at most %d (--daemon-config %s)\n",
			v->ctx.file, count, UPSTREAM_MAX_DEVS, file);
		return -1;
	}
	return 0;
}

/*
 * The virtio config of upstream's daemon for the devices of @a left for
 * it, written to @tmp (renamed to --daemon-config's file once attached).
 * 0, or -1 after a message; @tmp does not exist then.
 */
static int daemon_config_write(const struct attach_zone *a,
			       unsigned int nr_zones, const char *tmp)
{
	cJSON *root, *zones, *zone;
	char *text = NULL;
	unsigned int zi;
	FILE *f;
	int err;

	root = cJSON_CreateObject();
	zones = root ? cJSON_AddArrayToObject(root, "zones") : NULL;
	if (!zones)
		goto oom;
	for (zi = 0; zi < nr_zones; zi++) {
		if (!zone_has_daemon(&a[zi]))
			continue;
		zone = daemon_zone(&a[zi]);
		if (!zone || !cJSON_AddItemToArray(zones, zone)) {
			cJSON_Delete(zone);
			goto oom;
		}
	}
	text = cJSON_Print(root);
	cJSON_Delete(root);
	root = NULL;
	if (!text)
		goto oom;
	f = fopen(tmp, "we");
	if (!f) {
		fprintf(stderr, "hvisor: --daemon-config %s: %s\n", tmp,
			strerror(errno));
		free(text);
		return -1;
	}
	err = fputs(text, f) < 0 || fputc('\n', f) == EOF;
	err = fclose(f) || err;
	free(text);
	if (err) {
		fprintf(stderr, "hvisor: --daemon-config %s: write failed\n",
			tmp);
		unlink(tmp);
		return -1;
	}
	return 0;
oom:
	cJSON_Delete(root);
	fprintf(stderr, "hvisor: --daemon-config %s: out of memory\n", tmp);
	return -1;
}

/* What is left for a daemon, and how to start it. */
static void print_daemon(unsigned int count, const char *file)
{
	if (!count)
		return;
	if (file) {
		fprintf(stdout,
			"%u device%s left for a daemon, written to %s: serve %s with upstream's 'hvisor virtio start %s'\n",
			count, count == 1 ? "" : "s", file,
			count == 1 ? "it" : "them", file);
		return;
	}
	fprintf(stdout,
		"%u device%s left for a daemon: write %s config with --daemon-config <file>, then run upstream's 'hvisor virtio start <file>'\n",
		count, count == 1 ? "" : "s", count == 1 ? "its" : "their");
}

int virtio_attach_cmd(const char *file, const struct virtio_opts *o)
{
	struct hvisor_virtio_attach req;
	struct attach_zone *a = NULL;
	struct hvisor_info info;
	struct virtio_json *v;
	unsigned int zi, n = 0, total = 0, daemon = 0;
	int hvfd = -1, ret = 1, err;
	char *tmp = NULL;

	v = virtio_json_parse(file);
	if (!v)
		return 1;
	a = calloc(v->nr_zones, sizeof(*a));
	if (!a) {
		fprintf(stderr, "hvisor: virtio attach: out of memory\n");
		goto out;
	}
	for (zi = 0; zi < v->nr_zones; zi++) {
		if (o->zone_id >= 0 && v->zones[zi].id != (u32)o->zone_id)
			continue;
		a[n++].z = &v->zones[zi];
	}
	if (!n) {
		fprintf(stderr, "hvisor: %s: no zone with id %d in the file\n",
			file, o->zone_id);
		goto out;
	}
	for (zi = 0; zi < n; zi++) {
		unsigned int i;

		note_skipped(v, a[zi].z, o);
		for (i = 0; i < a[zi].z->nr_devices; i++)
			total += to_attach(&a[zi].z->devices[i], o);
	}
	if (!total) {
		fprintf(stderr, "hvisor: %s: no enabled device to attach\n",
			file);
		goto out;
	}
	daemon = nr_daemon(v, o);
	if (o->daemon_config &&
	    daemon_config_check(v, daemon, o->daemon_config))
		goto out;
	hvfd = hvdev_open(&info);
	if (hvfd < 0)
		goto out;
	if (check_irqs(hvfd, v, a, n, info.arch, o))
		goto out;
	for (zi = 0; zi < n; zi++)
		if (prepare_zone(v, &a[zi], o))
			goto out_fds;
	if (o->daemon_config) {
		tmp = malloc(strlen(o->daemon_config) + sizeof(".tmp"));
		if (!tmp) {
			fprintf(stderr, "hvisor: virtio attach: out of memory\n");
			goto out_fds;
		}
		sprintf(tmp, "%s.tmp", o->daemon_config);
		if (daemon_config_write(a, n, tmp))
			goto out_fds;
	}
	for (zi = 0; zi < n; zi++) {
		if (!a[zi].nr)
			continue;
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.zone_id = a[zi].z->id;
		req.nr_regions = a[zi].z->nr_regions;
		req.regions = (uintptr_t)a[zi].z->regions;
		req.nr_devices = a[zi].nr;
		req.devices = (uintptr_t)a[zi].devs;
		if (ioctl(hvfd, HVISOR_VIRTIO_ATTACH, &req)) {
			err = errno;
			fprintf(stderr,
				"hvisor: virtio attach: %s: zone %u: %s (see dmesg for the reason)\n",
				file, a[zi].z->id, strerror(err));
			/* the types it does not serve, without the flag */
			if (err == EOPNOTSUPP && zone_has_daemon(&a[zi]))
				fprintf(stderr,
					"hvisor: virtio attach: this hvisor.ko may predate devices served by a daemon (--skip-unsupported attaches the others)\n");
			rollback(hvfd, a, n);
			goto out_tmp;
		}
		a[zi].attached = true;
	}
	if (tmp && rename(tmp, o->daemon_config)) {
		fprintf(stderr, "hvisor: --daemon-config %s: %s\n",
			o->daemon_config, strerror(errno));
		rollback(hvfd, a, n);
		goto out_tmp;
	}
	close_fds(a, n);
	print_attached(hvfd, a, n);
	print_daemon(daemon, o->daemon_config);
	ret = 0;
	goto out_fds;
out_tmp:
	if (tmp)
		unlink(tmp);
out_fds:
	close_fds(a, n);
out:
	free(tmp);
	if (hvfd >= 0)
		close(hvfd);
	free(a);
	virtio_json_free(v);
	return ret;
}

/* ------------------------------------------------------------ detach */

int virtio_detach_cmd(u32 zone_id, u64 addr)
{
	struct hvisor_info info;
	int fd, err;

	fd = hvdev_open(&info);
	if (fd < 0)
		return 1;
	err = detach_one(fd, zone_id, addr);
	close(fd);
	if (err == -ENOENT && addr) {
		fprintf(stderr, "hvisor: virtio detach: zone %u: no virtio device at 0x%llx\n",
			zone_id, (unsigned long long)addr);
		return 1;
	}
	if (err == -ENOENT) {
		fprintf(stderr, "hvisor: virtio detach: zone %u: no virtio device attached\n",
			zone_id);
		return 1;
	}
	if (err) {
		fprintf(stderr, "hvisor: virtio detach: zone %u: %s (see dmesg for the reason)\n",
			zone_id, strerror(-err));
		return 1;
	}
	if (addr)
		printf("zone %u: detached the virtio device at 0x%llx\n",
		       zone_id, (unsigned long long)addr);
	else
		printf("zone %u: detached all virtio devices\n", zone_id);
	return 0;
}

/* ------------------------------------------------------------ list */

#define VIRTIO_S_ACKNOWLEDGE	0x01
#define VIRTIO_S_DRIVER		0x02
#define VIRTIO_S_DRIVER_OK	0x04
#define VIRTIO_S_FEATURES_OK	0x08
#define VIRTIO_S_NEEDS_RESET	0x40
#define VIRTIO_S_FAILED		0x80

/* The furthest step of the driver, then needs-reset if set. */
static const char *status_name(u32 s, char *buf, size_t size)
{
	const char *base;

	if (s & VIRTIO_S_FAILED)
		base = "failed";
	else if (s & VIRTIO_S_DRIVER_OK)
		base = "driver-ok";
	else if (s & VIRTIO_S_FEATURES_OK)
		base = "features-ok";
	else if (s & VIRTIO_S_DRIVER)
		base = "driver";
	else if (s & VIRTIO_S_ACKNOWLEDGE)
		base = "acknowledge";
	else if (s & VIRTIO_S_NEEDS_RESET)
		base = NULL;
	else
		base = "reset";
	if (!(s & VIRTIO_S_NEEDS_RESET))
		snprintf(buf, size, "%s", base);
	else if (base)
		snprintf(buf, size, "%s,needs-reset", base);
	else
		snprintf(buf, size, "needs-reset");
	return buf;
}

static const char *list_type(u32 type, char *buf, size_t size)
{
	if (strcmp(virtio_type_name(type), "?"))
		return virtio_type_name(type);
	snprintf(buf, size, "type%u", type);
	return buf;
}

/* Served by a daemon: its status and features are the daemon's, not known. */
static bool list_daemon(const struct hvisor_virtio_info *info)
{
	return !strncmp(info->backend, "daemon", 6);
}

static int list_json(const struct hvisor_virtio_info *info, unsigned int n)
{
	char buf[32], st[32];
	cJSON *arr, *o;
	unsigned int i;

	arr = cJSON_CreateArray();
	if (!arr)
		goto oom;
	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			goto oom_arr;
		}
		if (!cJSON_AddNumberToObject(o, "zone_id", info[i].zone_id) ||
		    !cJSON_AddStringToObject(o, "type",
					     list_type(info[i].type, st,
						       sizeof(st))))
			goto oom_arr;
		snprintf(buf, sizeof(buf), "0x%llx",
			 (unsigned long long)info[i].addr);
		if (!cJSON_AddStringToObject(o, "addr", buf))
			goto oom_arr;
		snprintf(buf, sizeof(buf), "0x%llx",
			 (unsigned long long)info[i].len);
		if (!cJSON_AddStringToObject(o, "len", buf) ||
		    !cJSON_AddNumberToObject(o, "irq", info[i].irq))
			goto oom_arr;
		snprintf(buf, sizeof(buf), "0x%llx",
			 (unsigned long long)info[i].features);
		if (list_daemon(&info[i]) ?
		    !cJSON_AddNullToObject(o, "status") ||
		    !cJSON_AddNullToObject(o, "state") ||
		    !cJSON_AddNullToObject(o, "features") :
		    !cJSON_AddNumberToObject(o, "status", info[i].status) ||
		    !cJSON_AddStringToObject(o, "state",
					     status_name(info[i].status, st,
							 sizeof(st))) ||
		    !cJSON_AddStringToObject(o, "features", buf))
			goto oom_arr;
		if (!(info[i].backend[0] ?
		      cJSON_AddStringToObject(o, "backend", info[i].backend) :
		      cJSON_AddNullToObject(o, "backend")) ||
		    !(info[i].tty[0] ?
		      cJSON_AddStringToObject(o, "tty", info[i].tty) :
		      cJSON_AddNullToObject(o, "tty")))
			goto oom_arr;
	}
	return json_print_consume(arr, "virtio list");

oom_arr:
	cJSON_Delete(arr);
oom:
	fprintf(stderr, "hvisor: virtio list: out of memory\n");
	return 1;
}

static const char *const list_head[] = {
	"zone", "type", "addr", "irq", "status", "features", "backend", "tty",
};

#define LIST_COLS	ARRAY_SIZE(list_head)
#define LIST_CELL	80

static int list_table(const struct hvisor_virtio_info *info, unsigned int n)
{
	char (*cell)[LIST_COLS][LIST_CELL];
	int w[LIST_COLS];
	char st[32];
	unsigned int i, k;
	int len;

	cell = calloc(n + 1, sizeof(*cell));
	if (!cell) {
		fprintf(stderr, "hvisor: virtio list: out of memory\n");
		return 1;
	}
	for (k = 0; k < LIST_COLS; k++)
		snprintf(cell[0][k], LIST_CELL, "%s", list_head[k]);
	for (i = 0; i < n; i++) {
		char (*c)[LIST_CELL] = cell[i + 1];

		snprintf(c[0], LIST_CELL, "%u", info[i].zone_id);
		snprintf(c[1], LIST_CELL, "%s",
			 list_type(info[i].type, st, sizeof(st)));
		snprintf(c[2], LIST_CELL, "0x%llx",
			 (unsigned long long)info[i].addr);
		snprintf(c[3], LIST_CELL, "%u", info[i].irq);
		if (list_daemon(&info[i])) {
			snprintf(c[4], LIST_CELL, "-");
			snprintf(c[5], LIST_CELL, "-");
		} else {
			status_name(info[i].status, c[4], LIST_CELL);
			snprintf(c[5], LIST_CELL, "0x%llx",
				 (unsigned long long)info[i].features);
		}
		snprintf(c[6], LIST_CELL, "%s",
			 info[i].backend[0] ? info[i].backend : "-");
		snprintf(c[7], LIST_CELL, "%s",
			 info[i].tty[0] ? info[i].tty : "-");
	}
	for (k = 0; k < LIST_COLS; k++) {
		w[k] = 0;
		for (i = 0; i <= n; i++) {
			len = strlen(cell[i][k]);
			if (len > w[k])
				w[k] = len;
		}
	}
	for (i = 0; i <= n; i++) {
		for (k = 0; k < LIST_COLS - 1; k++)
			printf("%-*s  ", w[k], cell[i][k]);
		printf("%s\n", cell[i][LIST_COLS - 1]);
	}
	free(cell);
	return 0;
}

int virtio_list_cmd(bool json)
{
	struct hvisor_virtio_info *info;
	struct hvisor_info hinfo;
	unsigned int n;
	int fd, ret;

	fd = hvdev_open(&hinfo);
	if (fd < 0)
		return 1;
	ret = virtio_list_get(fd, "virtio list", &info, &n);
	close(fd);
	if (ret)
		return 1;
	ret = json ? list_json(info, n) : list_table(info, n);
	free(info);
	return ret;
}
