// SPDX-License-Identifier: GPL-2.0
/*
 * Reading image files.  Relative names are taken from the current directory,
 * as upstream's tool does.  Errors read
 *
 *	hvisor: zone1.json: kernel_filepath: ./Image: No such file or directory
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "images.h"

static void image_err(struct zone_json *z, const struct zone_image *img,
		      const char *what)
{
	struct jctx c;
	char q[80];

	jctx_init(&c, z->ctx.file);
	jpath_key(&c, img->file_key);
	jerr(&c, "%s: %s", json_quote(q, sizeof(q), img->path), what);
}

/* Check what fstat() says about an open image; -1 after a message. */
static int image_check_stat(struct zone_json *z, const struct zone_image *img,
			    const struct stat *st)
{
	if (S_ISDIR(st->st_mode)) {
		image_err(z, img, "is a directory");
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		image_err(z, img, "is not a regular file");
		return -1;
	}
	if (st->st_size == 0) {
		image_err(z, img, "file is empty");
		return -1;
	}
	if ((unsigned long long)st->st_size > IMAGE_MAX_SIZE) {
		image_err(z, img, "file is too large (more than 4 GiB)");
		return -1;
	}
	return 0;
}

int image_size(struct zone_json *z, struct zone_image *img, bool missing_ok)
{
	struct stat st;

	if (!img->path)
		return 0;		/* inline: size already known */
	if (stat(img->path, &st)) {
		if (errno == ENOENT && missing_ok)
			return -ENOENT;
		image_err(z, img, strerror(errno));
		return -1;
	}
	if (image_check_stat(z, img, &st))
		return -1;
	img->size = st.st_size;
	return 0;
}

int image_read(struct zone_json *z, struct zone_image *img, void **buf)
{
	struct stat st;
	size_t got = 0, size;
	char *p;
	int fd;

	*buf = NULL;
	if (!img->path) {
		p = malloc(img->size);
		if (!p) {
			image_err(z, img, "out of memory");
			return -1;
		}
		memcpy(p, img->data, img->size);
		*buf = p;
		return 0;
	}
	fd = open(img->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		image_err(z, img, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		image_err(z, img, strerror(errno));
		goto fail_fd;
	}
	if (image_check_stat(z, img, &st))
		goto fail_fd;
	size = st.st_size;
	p = malloc(size);
	if (!p) {
		image_err(z, img, "out of memory");
		goto fail_fd;
	}
	while (got < size) {
		ssize_t n = read(fd, p + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			image_err(z, img, strerror(errno));
			goto fail_buf;
		}
		if (n == 0) {
			image_err(z, img, "file shrank while being read");
			goto fail_buf;
		}
		got += n;
	}
	close(fd);
	img->size = size;
	*buf = p;
	return 0;
fail_buf:
	free(p);
fail_fd:
	close(fd);
	return -1;
}
