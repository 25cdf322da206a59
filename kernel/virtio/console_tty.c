// SPDX-License-Identifier: GPL-2.0
/*
 * The tty driver of the console devices: one driver, HV_CON_TTY_NAME with
 * a dynamic major, a minor per console (see console.h).  The tty side
 * only touches the input ring, the window size and the flags under
 * con->lock and kicks the worker (console.c); write() may come from the
 * line discipline's echo path with spinlocks of its own held.
 */
#include <linux/err.h>
#include <linux/idr.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_flip.h>

#include "../compat.h"
#include "console_tty.h"

static struct tty_driver *hv_con_driver;
static DEFINE_IDA(hv_con_minors);	/* minors in use, freed at destruct */

/* Protects hv_con_table: the live console of each minor, for open. */
static DEFINE_MUTEX(hv_con_table_lock);
static struct hv_console *hv_con_table[HV_CON_MINORS];

static int hv_con_install(struct tty_driver *driver, struct tty_struct *tty)
{
	struct hv_console *con = NULL;
	int ret;

	mutex_lock(&hv_con_table_lock);
	if (tty->index < HV_CON_MINORS)
		con = hv_con_table[tty->index];
	if (con)
		tty_port_get(&con->port);
	mutex_unlock(&hv_con_table_lock);
	if (!con)
		return -ENODEV;

	tty->driver_data = con;
	ret = tty_port_install(&con->port, driver, tty);
	if (ret) {
		tty->driver_data = NULL;
		tty_port_put(&con->port);
	}
	return ret;
}

/* The tty is gone (after install succeeded): drop its port reference. */
static void hv_con_cleanup(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;

	tty->driver_data = NULL;
	tty_port_put(&con->port);
}

static int hv_con_open(struct tty_struct *tty, struct file *filp)
{
	struct hv_console *con = tty->driver_data;

	return tty_port_open(&con->port, tty, filp);
}

static void hv_con_close(struct tty_struct *tty, struct file *filp)
{
	struct hv_console *con = tty->driver_data;

	tty_port_close(&con->port, tty, filp);
}

static void hv_con_hangup(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;

	tty_port_hangup(&con->port);
}

/* tty_operations.write, whose types changed in 6.6: see hv_con_write */
static ssize_t hv_con_do_write(struct tty_struct *tty, const u8 *buf,
			       size_t count)
{
	struct hv_console *con = tty->driver_data;
	unsigned long flags;
	u32 n = 0;

	if (!count)
		return 0;
	spin_lock_irqsave(&con->lock, flags);
	if (!con->dead)
		n = hv_con_ring_put(&con->in, buf,
				    min_t(size_t, count, U32_MAX));
	spin_unlock_irqrestore(&con->lock, flags);
	if (READ_ONCE(con->dead))
		return -EIO;
	if (n)
		hv_con_kick(con);
	return n;
}

/* with the signature this kernel's tty_operations.write has */
HV_DEFINE_TTY_WRITE(hv_con_write, hv_con_do_write)

static hv_tty_room_t hv_con_write_room(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;
	unsigned long flags;
	unsigned int room;

	spin_lock_irqsave(&con->lock, flags);
	room = con->dead ? 0 : hv_con_ring_space(&con->in);
	spin_unlock_irqrestore(&con->lock, flags);
	return room;
}

static hv_tty_room_t hv_con_chars_in_buffer(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;
	unsigned long flags;
	unsigned int len;

	spin_lock_irqsave(&con->lock, flags);
	len = hv_con_ring_len(&con->in);
	spin_unlock_irqrestore(&con->lock, flags);
	return len;
}

/* tcflush(TCOFLUSH): forget input the guest has not taken yet. */
static void hv_con_flush_buffer(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;
	unsigned long flags;

	spin_lock_irqsave(&con->lock, flags);
	hv_con_ring_clear(&con->in);
	spin_unlock_irqrestore(&con->lock, flags);
	tty_wakeup(tty);
}

static void hv_con_throttle(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;

	WRITE_ONCE(con->throttled, true);
}

static void hv_con_unthrottle(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;

	WRITE_ONCE(con->throttled, false);
	hv_con_kick(con);
}

/*
 * No line to program: every setting is kept as given and the line
 * discipline does all processing.  The worker is kicked in case the new
 * settings let it hand over data (for instance after a flow change).
 */
static void hv_con_set_termios(struct tty_struct *tty,
			       hv_old_termios_t *old)
{
	hv_con_kick(tty->driver_data);
}

/* TIOCSWINSZ: the guest's console follows (VIRTIO_CONSOLE_F_SIZE). */
static int hv_con_resize(struct tty_struct *tty, struct winsize *ws)
{
	struct hv_console *con = tty->driver_data;
	unsigned long flags;
	bool changed;
	int ret;

	ret = tty_do_resize(tty, ws);
	if (ret)
		return ret;
	spin_lock_irqsave(&con->lock, flags);
	changed = hv_con_winsz_set(&con->winsz, ws->ws_col, ws->ws_row);
	spin_unlock_irqrestore(&con->lock, flags);
	if (changed)
		hv_con_kick(con);
	return 0;
}

static const struct tty_operations hv_con_tty_ops = {
	.install = hv_con_install,
	.cleanup = hv_con_cleanup,
	.open = hv_con_open,
	.close = hv_con_close,
	.hangup = hv_con_hangup,
	.write = hv_con_write,
	.write_room = hv_con_write_room,
	.chars_in_buffer = hv_con_chars_in_buffer,
	.flush_buffer = hv_con_flush_buffer,
	.throttle = hv_con_throttle,
	.unthrottle = hv_con_unthrottle,
	.set_termios = hv_con_set_termios,
	.resize = hv_con_resize,
};

/* First open: refuse a detached console, else flush what the ring holds. */
static int hv_con_activate(struct tty_port *port, struct tty_struct *tty)
{
	struct hv_console *con = container_of(port, struct hv_console, port);

	if (READ_ONCE(con->dead))
		return -ENODEV;
	WRITE_ONCE(con->throttled, false);
	hv_con_kick(con);
	return 0;
}

/* Last close or hangup: output is kept in the ring for the next reader. */
static void hv_con_shutdown(struct tty_port *port)
{
	struct hv_console *con = container_of(port, struct hv_console, port);

	WRITE_ONCE(con->throttled, false);
}

/* The last reference (device or tty) is gone. */
static void hv_con_destruct(struct tty_port *port)
{
	struct hv_console *con = container_of(port, struct hv_console, port);

	ida_free(&hv_con_minors, con->minor);
	hv_con_free(con);
}

static const struct tty_port_operations hv_con_port_ops = {
	.activate = hv_con_activate,
	.shutdown = hv_con_shutdown,
	.destruct = hv_con_destruct,
};

int hv_con_tty_add(struct hv_console *con)
{
	struct device *tty_dev;
	int minor;

	minor = ida_alloc_max(&hv_con_minors, HV_CON_MINORS - 1, GFP_KERNEL);
	if (minor < 0)
		return minor;
	con->minor = minor;
	tty_port_init(&con->port);
	con->port.ops = &hv_con_port_ops;

	tty_dev = tty_register_device(hv_con_driver, minor, NULL);
	if (IS_ERR(tty_dev)) {
		/* Nobody could open it: undo without the port's destruct. */
		tty_port_destroy(&con->port);
		ida_free(&hv_con_minors, minor);
		return PTR_ERR(tty_dev);
	}
	mutex_lock(&hv_con_table_lock);
	hv_con_table[minor] = con;
	mutex_unlock(&hv_con_table_lock);
	return 0;
}

void hv_con_tty_remove(struct hv_console *con)
{
	struct tty_struct *tty;

	/* No new opener finds it. */
	mutex_lock(&hv_con_table_lock);
	hv_con_table[con->minor] = NULL;
	mutex_unlock(&hv_con_table_lock);

	/*
	 * An opener that installed before the table was cleared either set
	 * port->tty already (and is hung up here) or sees dead in activate.
	 */
	tty = tty_port_tty_get(&con->port);
	if (tty) {
		tty_vhangup(tty);
		tty_kref_put(tty);
	}
	tty_unregister_device(hv_con_driver, con->minor);
	tty_port_put(&con->port);
}

void hv_con_kick(struct hv_console *con)
{
	unsigned long flags;

	spin_lock_irqsave(&con->lock, flags);
	if (!con->dead)
		hv_worker_kick(&con->worker, HV_CON_WORK);
	spin_unlock_irqrestore(&con->lock, flags);
}

void hv_con_free(struct hv_console *con)
{
	kvfree(con->out_buf);
	kfree(con);
}

int hv_con_tty_init(void)
{
	struct tty_driver *driver;
	int err;

	driver = tty_alloc_driver(HV_CON_MINORS, TTY_DRIVER_REAL_RAW |
				  TTY_DRIVER_DYNAMIC_DEV |
				  TTY_DRIVER_RESET_TERMIOS);
	if (IS_ERR(driver))
		return PTR_ERR(driver);
	driver->driver_name = "hvisor_console";
	driver->name = HV_CON_TTY_NAME;
	driver->major = 0;		/* dynamic */
	driver->minor_start = 0;
	driver->type = TTY_DRIVER_TYPE_SERIAL;
	driver->subtype = SERIAL_TYPE_NORMAL;
	/*
	 * Raw by default, as a console that carries a remote system's own
	 * line editing and echo: no input or output processing, no local
	 * echo, no signals.  stty changes it until the last close.
	 */
	driver->init_termios = tty_std_termios;
	driver->init_termios.c_iflag = 0;
	driver->init_termios.c_oflag = 0;
	driver->init_termios.c_lflag = 0;
	driver->init_termios.c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL;
	driver->init_termios.c_ispeed = 115200;
	driver->init_termios.c_ospeed = 115200;
	driver->init_termios.c_cc[VMIN] = 1;
	driver->init_termios.c_cc[VTIME] = 0;
	tty_set_operations(driver, &hv_con_tty_ops);

	err = tty_register_driver(driver);
	if (err)
		goto put_driver;
	hv_con_driver = driver;
	return 0;

put_driver:
	tty_driver_kref_put(driver);
	return err;
}

void hv_con_tty_exit(void)
{
	tty_unregister_driver(hv_con_driver);
	tty_driver_kref_put(hv_con_driver);
	ida_destroy(&hv_con_minors);
}
