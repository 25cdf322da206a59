#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Regenerates vbad/*.json (malformed virtio configs, each a mutation of one
# valid config) and vgood/*.json.  The files are committed; run.sh does not
# need Python.  Paths (disk.img, adir, ...) are relative to run.sh's work
# directory, where it creates them.
import json, copy, os
here = os.path.dirname(os.path.abspath(__file__))
ram = {"zone0_ipa": "0x50000000", "zonex_ipa": "0x50000000", "size": "0x30000000"}
blk = {"type": "blk", "addr": "0xa003c00", "len": "0x200", "irq": 78,
       "img": "disk.img", "status": "enable"}
con = {"type": "console", "addr": "0xa003800", "len": "0x200", "irq": 76,
       "status": "enable"}
net = {"type": "net", "addr": "0xa003600", "len": "0x200", "irq": 75,
       "tap": "hvtest0", "mac": ["0x02", "0x00", "0x00", "0x00", "0x00", "0x01"],
       "status": "enable"}
base = {"zones": [{"id": 1, "memory_region": [ram],
                   "devices": [blk, con, net]}]}

def write(d, name, sub):
    with open(os.path.join(here, sub, name + '.json'), 'w') as fh:
        json.dump(d, fh, indent=1); fh.write('\n')

def m(name, f):
    d = copy.deepcopy(base); r = f(d)
    write(d if r is None else r, name, 'vbad')

def dev(i, **kw):
    def f(d): d['zones'][0]['devices'][i].update(kw)
    return f
def devdel(i, k):
    def f(d): del d['zones'][0]['devices'][i][k]
    return f
def reg(i, **kw):
    def f(d): d['zones'][0]['memory_region'][i].update(kw)
    return f
def zone(**kw):
    def f(d): d['zones'][0].update(kw)
    return f
def adddev(**kw):
    def f(d): d['zones'][0]['devices'].append(dict(copy.deepcopy(net), **kw))
    return f

m('missing-zones', lambda d: {"zone": d['zones']})
m('zones-object', lambda d: {"zones": d['zones'][0]})
m('zones-empty', lambda d: {"zones": []})
m('zones-33', lambda d: {"zones": [dict(copy.deepcopy(d['zones'][0]), id=i % 31 + 1) for i in range(33)]})
m('top-level-array', lambda d: [d])
m('zone-id-32', zone(id=32))
m('zone-id-0', zone(id=0))
m('zone-id-twice', lambda d: d['zones'].append({"id": 1, "memory_region": [dict(ram, zone0_ipa="0x90000000")], "devices": [dict(con, addr="0xa004000")]}))
m('zone-not-object', lambda d: {"zones": [1]})
m('regions-missing', lambda d: d['zones'][0].pop('memory_region') and None)
m('regions-empty', zone(memory_region=[]))
m('regions-65', zone(memory_region=[{"zone0_ipa": hex(0x100000000 + i * 0x1000), "zonex_ipa": hex(0x100000000 + i * 0x1000), "size": "0x1000"} for i in range(65)]))
m('region-size-0', reg(0, size="0"))
m('region-wraps', reg(0, zonex_ipa="0xfffffffffff00000", size="0x200000"))
m('region-zone0-wraps', reg(0, zone0_ipa="0xfffffffffff00000", size="0x200000"))
m('region-unaligned', reg(0, zone0_ipa="0x50000800"))
m('region-size-unaligned', reg(0, size="0x30000800"))
m('regions-overlap', lambda d: d['zones'][0]['memory_region'].append({"zone0_ipa": "0x90000000", "zonex_ipa": "0x60000000", "size": "0x1000"}))
m('region-not-number', reg(0, size="0x1g"))
m('devices-missing', lambda d: d['zones'][0].pop('devices') and None)
m('devices-33', zone(devices=[dict(con, addr=hex(0xa000000 + i * 0x200)) for i in range(33)]))
m('device-not-object', zone(devices=["blk"]))
m('type-unknown', dev(0, type="floppy"))
m('type-missing', devdel(1, 'type'))
m('status-maybe', dev(0, status="maybe"))
m('status-bool', dev(0, status=True))
m('addr-missing', devdel(0, 'addr'))
m('addr-unaligned', dev(0, addr="0xa003c02"))
m('dev-wraps', dev(0, addr="0xfffffffffffffe00", len="0x400"))
m('dev-overlap', dev(1, addr="0xa003d00"))
m('dev-dup-addr', dev(1, addr="0xa003c00"))
m('dev-in-ram', dev(0, addr="0x50000000"))
m('len-0x100', dev(0, len="0x100"))
m('len-0x2000', dev(0, len="0x2000"))
m('irq-0', dev(0, irq=0))
m('irq-1024', dev(0, irq=1024))
m('irq-negative', dev(0, irq=-5))
def addcons(irqs):
    def f(d):
        for i, irq in enumerate(irqs):
            d['zones'][0]['devices'].append(dict(con, addr=hex(0xa004000 + i * 0x200), irq=irq))
    return f
# hvisor panics on the 8th distinct irq of a zone (common/virtio_limits.h)
m('irqs-8', addcons([70, 71, 72, 73, 74]))
m('blk-no-img', devdel(0, 'img'))
m('blk-img-empty-name', dev(0, img=""))
m('blk-img-dir', dev(0, img="adir"))
m('blk-img-empty-file', dev(0, img="empty.img"))
m('blk-img-fifo', dev(0, img="afifo"))
m('blk-img-shared', lambda d: d['zones'][0]['devices'].append(dict(blk, addr="0xa004000")))
m('readonly-string', dev(0, readonly="yes"))
m('serial-21', dev(0, serial="s" * 21))
m('serial-number', dev(0, serial=5))
m('queues-0', dev(0, queues=0))
m('queues-9', dev(0, queues=9))
m('queues-string', dev(0, queues="2"))
m('queues-fraction', dev(0, queues=1.5))
m('queues-on-net', dev(2, queues=2))
m('queues-on-console', dev(1, queues=1))
m('net-no-tap', devdel(2, 'tap'))
m('tap-too-long', dev(2, tap="hvtest0123456789"))
m('tap-slash', dev(2, tap="tap/0"))
m('tap-shared', adddev(addr="0xa004000", mac="02:00:00:00:00:02"))
m('net-no-mac', devdel(2, 'mac'))
m('mac-5', dev(2, mac=["0x02", "0x00", "0x00", "0x00", "0x01"]))
m('mac-zz', dev(2, mac=["0x02", "zz", "0x00", "0x00", "0x00", "0x01"]))
m('mac-256', dev(2, mac=[2, 0, 0, 0, 0, 256]))
m('mac-string-bad', dev(2, mac="02:00:00:00:00:zz"))
m('mac-string-short', dev(2, mac="02:00:00:00:00"))
m('mac-multicast', dev(2, mac="01:00:5e:00:00:01"))
m('mac-multicast-array', dev(2, mac=["0x03", "0x00", "0x00", "0x00", "0x00", "0x01"]))
m('mac-zero', dev(2, mac="00:00:00:00:00:00"))
m('mac-object', dev(2, mac={"a": 1}))
m('mac-duplicate', adddev(addr="0xa004000", tap="hvtest1"))

# valid configs
write(base, 'three', 'vgood')
two = {"zones": [
    {"id": 1, "memory_region": [ram],
     "devices": [dict(blk, serial="hv-disk-1"),
                 {"type": "console", "addr": "0xa003800", "len": "0x200", "irq": 76}]},
    {"id": 2, "memory_region": [{"zone0_ipa": "0x90000000", "zonex_ipa": "0x50000000", "size": "0x10000000"},
                                {"zone0_ipa": "0x100000000", "zonex_ipa": "0x100000000", "size": "0x1000000"}],
     "devices": [dict(blk, img="disk2.img", readonly=True, irq="0x4e"),
                 dict(con, status="disable"),
                 dict(con, addr="0xa003a00", irq=77)]}]}
write(two, 'two-zones', 'vgood')
gpu = {"zones": [{"id": 3, "memory_region": [ram],
                  "devices": [{"type": "gpu", "addr": "0xa003400", "len": "0x200", "irq": 74,
                               "width": 1280, "height": 800, "status": "enable"},
                              dict(blk, readonly=1)]}]}
write(gpu, 'with-gpu', 'vgood')
missing = {"zones": [{"id": 1, "memory_region": [ram],
                      "devices": [dict(blk, img="no-such.img")]}]}
write(missing, 'missing-img', 'vgood')
# our "queues" extension: a two-queue and an explicit one-queue disk
queues = {"zones": [{"id": 1, "memory_region": [ram],
                     "devices": [dict(blk, queues=2),
                                 dict(blk, img="disk2.img", addr="0xa004000", queues=1),
                                 dict(con)]}]}
write(queues, 'blk-queues', 'vgood')
# seven distinct irqs over nine devices: as many as hvisor takes
seven = copy.deepcopy(base)
for i, irq in enumerate([70, 71, 72, 73, 78, 76]):
    seven['zones'][0]['devices'].append(dict(con, addr=hex(0xa004000 + i * 0x200), irq=irq))
write(seven, 'irqs-7', 'vgood')
# five consoles with five irqs of their own: fine alone, not on top of
# devices attached with three others
five = {"zones": [{"id": 1, "memory_region": [ram],
                   "devices": [dict(con, addr=hex(0xa004000 + i * 0x200), irq=70 + i) for i in range(5)]}]}
write(five, 'irqs-5', 'vgood')
