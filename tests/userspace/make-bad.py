#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Regenerates most of bad/*.json (malformed zone configs, each a mutation of
# one valid arm64 config).  The files are committed; run.sh does not need
# Python.  truncated.json, trailing-data.json, duplicate-key.json and
# loongarch-dmw-outside.json are written by hand.
import json, copy, os
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, 'bad')
base = {
 "arch": "arm64", "name": "bad", "zone_id": 1, "cpus": [2, 3],
 "memory_regions": [
  {"type": "ram", "physical_start": "0x50000000", "virtual_start": "0x50000000", "size": "0x30000000"},
  {"type": "virtio", "physical_start": "0xa000000", "virtual_start": "0xa000000", "size": "0x4000"}],
 "interrupts": [76, 78], "ivc_configs": [],
 "kernel_filepath": "Image", "dtb_filepath": "zone.dtb",
 "kernel_load_paddr": "0x50400000", "dtb_load_paddr": "0x50000000", "entry_point": "0x50400000",
 "arch_config": {"gic_version": "v3", "gicd_base": "0x8000000", "gicd_size": "0x10000",
                 "gicr_base": "0x80a0000", "gicr_size": "0xf60000"}}
def m(name, f):
    d = copy.deepcopy(base); r = f(d)
    if r is not None: d = r
    with open(os.path.join(out, name + '.json'), 'w') as fh:
        json.dump(d, fh, indent=1); fh.write('\n')
def setr(i, k, v):
    def f(d): d['memory_regions'][i][k] = v
    return f
def setk(k, v):
    def f(d): d[k] = v
    return f
def seta(k, v):
    def f(d): d['arch_config'][k] = v
    return f
def delk(k):
    def f(d): del d[k]
    return f
reg = lambda i: {"type": "io", "physical_start": hex(0x100000000 + i*0x1000), "virtual_start": hex(0x100000000 + i*0x1000), "size": "0x1000"}
pci = {"ecam_base": "0x30000000", "ecam_size": "0x10000000", "io_base": "0x0", "io_size": "0x0", "pci_io_base": "0x0",
       "mem32_base": "0x0", "mem32_size": "0x0", "pci_mem32_base": "0x0", "mem64_base": "0x0", "mem64_size": "0x0",
       "pci_mem64_base": "0x0", "bus_range_begin": "0x0", "bus_range_end": "0x1f", "domain": "0x0"}
dev = lambda i: {"domain": "0x0", "bus": "0x0", "device": hex(i), "function": "0x0", "dev_type": "0x0"}
ivc = {"ivc_id": 0, "peer_id": 1, "control_table_ipa": "0xd0000000", "shared_mem_ipa": "0xd0001000",
       "rw_sec_size": 0, "out_sec_size": "0x1000", "interrupt_num": 66, "max_peers": 2}
m('zone-id-array', setk('zone_id', [1]))
m('name-number', setk('name', 7))
m('cpus-string', setk('cpus', "2,3"))
m('size-overflow', setr(0, 'size', "0x1ffffffffffffffff"))
m('negative-number', setr(0, 'physical_start', -1))
m('negative-string', setr(0, 'physical_start', "-1"))
m('not-a-number', setr(1, 'size', "0x1g"))
m('float', setk('zone_id', 1.5))
m('huge-json-number', setk('entry_point', 2**60))
m('leading-zero', setk('zone_id', "010"))
m('u32-overflow', setk('zone_id', "0x100000000"))
m('regions-65', lambda d: d['memory_regions'].extend(reg(i) for i in range(63)))
m('irq-1024', setk('interrupts', [76, 1024]))
m('irqs-1025', setk('interrupts', [i % 1024 for i in range(1025)]))
m('cpu-64', setk('cpus', [2, 64]))
m('cpu-duplicate', setk('cpus', [2, 3, 2]))
m('cpus-empty', setk('cpus', []))
m('name-40', setk('name', "n" * 40))
m('name-32', setk('name', "n" * 32))
m('name-empty', setk('name', ""))
m('missing-zone-id', delk('zone_id'))
m('missing-memory-regions', delk('memory_regions'))
m('missing-entry-point', delk('entry_point'))
m('missing-kernel-filepath', delk('kernel_filepath'))
m('missing-region-size', lambda d: d['memory_regions'][1].pop('size') and None)
m('region-not-object', lambda d: d['memory_regions'].__setitem__(1, "ram"))
m('memory-type-rom', setr(1, 'type', "rom"))
m('gic-v4', seta('gic_version', "v4"))
m('gic-missing-gicr', lambda d: d['arch_config'].pop('gicr_base') and None)
m('aarch32-string', seta('is_aarch32', "yes"))
m('uefi-incomplete', seta('memory_map_addr', "0x4f000000"))
m('regions-overlap', lambda d: d['memory_regions'].append({"type": "io", "physical_start": "0x60000000", "virtual_start": "0x60000000", "size": "0x1000"}))
m('region-size-0', setr(1, 'size', "0"))
m('region-wraps', setr(1, 'physical_start', "0xfffffffffffff000"))
m('region-unaligned', setr(0, 'size', "0x30000800"))
m('entry-outside-ram', setk('entry_point', "0x40000000"))
m('kernel-outside-ram', setk('kernel_load_paddr', "0x90000000"))
m('kernel-dtb-overlap', setk('dtb_load_paddr', "0x50401000"))
m('kernel-missing-outside', lambda d: d.update(kernel_filepath="no-such-Image", kernel_load_paddr="0x4fffffff"))
m('kernel-empty-file', setk('kernel_filepath', "empty.img"))
m('kernel-is-dir', setk('kernel_filepath', "adir"))
m('kernel-path-empty', setk('kernel_filepath', ""))
m('pci-5', setk('pci_config', [pci] * 5))
m('pci-missing-domain', setk('pci_config', [{k: v for k, v in pci.items() if k != 'domain'}]))
m('pci-devs-33', setk('alloc_pci_devs', [dev(i) for i in range(33)]))
m('pci-dev-type-2', setk('alloc_pci_devs', [dict(dev(1), dev_type=2)]))
m('pci-dev-vbus-256', setk('alloc_pci_devs', [dict(dev(1), v_bus=256)]))
m('ivc-3', setk('ivc_configs', [ivc] * 3))
m('zone-id-0', setk('zone_id', 0))
m('zone-id-32', setk('zone_id', 32))
m('arch-mips', setk('arch', "mips"))
m('arch-mismatch', setk('arch', "riscv"))
m('arch-unknown', lambda d: (d.pop('arch'), d['arch_config'].pop('gic_version')) and None)
m('multiboot2', setk('boot_protocol', "multiboot2"))
m('modules-no-filepath', setk('modules', [{"name": "x", "load_paddr": "0x50800000"}]))
m('top-level-array', lambda d: [d])
x86 = json.load(open(os.path.join(here, 'good', 'x86-initrd.json')))
def mx(name, f):
    d = copy.deepcopy(x86); f(d)
    with open(os.path.join(out, name + '.json'), 'w') as fh:
        json.dump(d, fh, indent=1); fh.write('\n')
mx('x86-region-id', lambda d: d['arch_config'].__setitem__('acpi_memory_region_id', 2))
mx('x86-setup-no-hpa', lambda d: d['arch_config'].update(setup_filepath="setup.bin", setup_load_gpa="0xd000"))
mx('x86-missing-ioapic', lambda d: d['arch_config'].pop('ioapic_base'))
mx('x86-initrd-overlap', lambda d: d['arch_config'].update(cmdline_load_hpa="0x48000100"))
