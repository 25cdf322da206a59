#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Regenerates xcheck/*.json: a zone config and a virtio config that fit
# each other (zone.json, virtio.json, from examples/sim's arm64 pair), and
# for each rule of "zone check --virtio" one mutation that breaks it.  The
# files are committed; run.sh does not need Python.  Image paths are
# relative to run.sh's work directory, where it creates them.
import json, copy, os
here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
out = os.path.join(here, 'xcheck')

with open(os.path.join(repo, 'examples/sim/zone1-arm64.json')) as fh:
    zone = json.load(fh)
zone['kernel_filepath'] = 'Image'
zone['dtb_filepath'] = 'zone.dtb'
with open(os.path.join(repo, 'examples/sim/virtio-arm64.json')) as fh:
    virtio = json.load(fh)
for d in virtio['zones'][0]['devices']:
    if 'img' in d:
        d['img'] = 'disk.img'

def write(d, name):
    with open(os.path.join(out, name + '.json'), 'w') as fh:
        json.dump(d, fh, indent=1); fh.write('\n')

write(zone, 'zone')
write(virtio, 'virtio')

def vm(name, f):
    d = copy.deepcopy(virtio); f(d['zones'][0]); write(d, 'v-' + name)

def zm(name, f):
    d = copy.deepcopy(zone); f(d); write(d, 'z-' + name)

def dev(i, **kw):
    return lambda z: z['devices'][i].update(kw)

def region(**kw):
    return lambda z: z['memory_region'][0].update(kw)

vm('zone-id', lambda z: z.update(id=2))
vm('window-outside', dev(1, addr='0xb001000'))
vm('window-straddles', dev(2, addr='0xb000500'))
vm('irq-not-owned', dev(0, irq=77))
vm('irq-range', dev(0, irq=20))
vm('ram-not-guest', region(zonex_ipa='0x40000000'))
vm('ram-host', region(zone0_ipa='0x60000000'))
vm('ram-size', region(size='0x10001000'))
# eight devices with eight irqs: hvisor's limit of 7 per zone
def eight(z):
    for i in range(8):
        z['devices'].append({'type': 'console', 'status': 'enable',
                             'addr': hex(0xb001000 + i * 0x200),
                             'len': '0x200', 'irq': 80 + i})
    del z['devices'][:3]
vm('irqs-8', eight)
# several rules broken at once: every one is reported
def many(z):
    dev(0, irq=77)(z); dev(1, addr='0xb001000')(z)
    region(size='0x20000000')(z)
vm('many', many)
# the zone side: a virtio region dropped, an irq dropped
zm('no-virtio-region', lambda d: d['memory_regions'].pop(3))
zm('irq-dropped', lambda d: d.update(interrupts=[75, 76]))

# riscv64: the irq must be the zone's too; loongarch64: a CPU interrupt
# number, not in the zone's interrupts
with open(os.path.join(here, 'good/pack-riscv64.json')) as fh:
    write(json.load(fh), 'zone-riscv64')
rv = {'zones': [{'id': 2, 'memory_region': [
          {'zone0_ipa': '0x83000000', 'zonex_ipa': '0x83000000',
           'size': '0x10000000'}],
      'devices': [{'type': 'console', 'status': 'enable',
                   'addr': '0x10001000', 'len': '0x200', 'irq': 10}]}]}
write(rv, 'virtio-riscv64')
rv['zones'][0]['devices'][0]['irq'] = 11
write(rv, 'v-riscv64-irq-not-owned')
with open(os.path.join(here, 'good/loongarch64.json')) as fh:
    la = json.load(fh)
la['memory_regions'].append({'type': 'virtio', 'physical_start': '0x10001000',
                             'virtual_start': '0x10001000', 'size': '0x1000'})
write(la, 'zone-loongarch64')
write({'zones': [{'id': 3, 'memory_region': [
          {'zone0_ipa': '0x90000000', 'zonex_ipa': '0x90000000',
           'size': '0x10000000'}],
      'devices': [{'type': 'console', 'status': 'enable',
                   'addr': '0x10001000', 'len': '0x200', 'irq': 4}]}]},
      'virtio-loongarch64')
