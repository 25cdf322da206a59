#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the binary seed corpora of tests/fuzz (vq, mmio) from readable
descriptions, so that the checked-in seeds can be regenerated and reviewed:
    tests/fuzz/mkseeds.py            (rewrites tests/fuzz/corpus/{vq,mmio})
The layouts are the ones fuzz_vq.c and fuzz_mmio.c document."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
A_GPA, A_SIZE, B_GPA = 0x10000, 0x4000, 0x80000
F_WRITE, F_NEXT, F_INDIRECT = 2, 1, 4
VERSION_1, MRG, CSUM, HOST_TSO4 = 1 << 32, 1 << 15, 1 << 0, 1 << 11


def vq_seed(log2num, chains, event_idx=False, blk=(0, 1 << 20), features=0,
            indirect=None, max_segs=16):
    """chains: list of chains, each a list of (gpa, len, flags) descriptors
    linked in order; indirect: {index in chain list: gpa of its table}."""
    num = 1 << log2num
    mem = bytearray(A_SIZE)
    desc, avail = 0, 16 * num
    used = (avail + 4 + 2 * num + (2 if event_idx else 0) + 3) & ~3
    d = 0
    heads = []
    for ci, chain in enumerate(chains):
        if indirect and ci in indirect:
            tgpa = indirect[ci]
            off = tgpa - A_GPA
            for k, (gpa, ln, fl) in enumerate(chain):
                nxt = k + 1 if k + 1 < len(chain) else 0
                fl |= F_NEXT if k + 1 < len(chain) else 0
                struct.pack_into('<QIHH', mem, off + 16 * k, gpa, ln, fl, nxt)
            struct.pack_into('<QIHH', mem, desc + 16 * d, tgpa,
                             16 * len(chain), F_INDIRECT, 0)
            heads.append(d)
            d += 1
            continue
        heads.append(d)
        for k, (gpa, ln, fl) in enumerate(chain):
            last = k + 1 == len(chain)
            struct.pack_into('<QIHH', mem, desc + 16 * d, gpa, ln,
                             fl | (0 if last else F_NEXT),
                             0 if last else d + 1)
            d += 1
    struct.pack_into('<HH', mem, avail, 0, len(heads))
    for i, h in enumerate(heads):
        struct.pack_into('<H', mem, avail + 4 + 2 * i, h)
    hdr = struct.pack('<BBBBIHHHQ', log2num | (8 if event_idx else 0),
                      max_segs - 1, blk[0], 0, blk[1], 0, 0, 0, features)
    return hdr + bytes(mem)


def blk_hdr(mem_off, typ, sector):
    return (A_GPA + mem_off, 16, 0)


def main():
    out = os.path.join(HERE, 'corpus', 'vq')
    os.makedirs(out, exist_ok=True)
    buf = A_GPA + 0x2000
    seeds = {
        # blk read of 8 sectors: header, data, status
        'blk-in': vq_seed(3, [[(buf, 16, 0), (buf + 0x100, 4096, F_WRITE),
                               (buf + 0x1100, 1, F_WRITE)]]),
        # blk write + flush + get_id, read-write disk with discard
        'blk-out-flush': vq_seed(4, [
            [(buf, 16, 0), (buf + 0x100, 1024, 0), (buf + 0x600, 1, F_WRITE)],
            [(buf + 0x20, 16, 0), (buf + 0x601, 1, F_WRITE)],
            [(buf + 0x40, 16, 0), (buf + 0x700, 21, F_WRITE)]], blk=(6, 1 << 16)),
        # net TX: 12-byte header then a 60-byte frame, in region B too
        'net-tx': vq_seed(2, [[(buf, 12, 0), (B_GPA, 60, 0)]],
                          features=VERSION_1 | CSUM | HOST_TSO4),
        # an indirect table of three descriptors, EVENT_IDX
        'indirect': vq_seed(3, [[(buf, 16, 0), (buf + 0x200, 512, F_WRITE),
                                 (buf + 0x400, 1, F_WRITE)]],
                            event_idx=True, indirect={0: A_GPA + 0x1800}),
        # a full ring of one-descriptor chains
        'full-ring': vq_seed(2, [[(buf + 0x10 * i, 16, F_WRITE)] for i in range(4)]),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
    # blk header bytes: type at the buffer (IN=0, OUT=1, FLUSH=4, GET_ID=8)
    for name, pairs in (('blk-out-flush', ((0x2000, 1), (0x2020, 4), (0x2040, 8))),):
        path = os.path.join(out, name)
        data = bytearray(open(path, 'rb').read())
        for off, typ in pairs:
            struct.pack_into('<IIQ', data, 22 + off, typ, 0, 8)
        open(path, 'wb').write(data)

    mmio_seeds(os.path.join(HERE, 'corpus', 'mmio'))


# fuzz_mmio.c ops: kind(1) offset(2, LE) value(4, LE)
R, W, W8, TICK, KICK, MEM = 0, 1, 1 | 3 << 3, 2, 3, 6


def op(kind, off=0, val=0):
    return struct.pack('<BHI', kind, off, val & 0xffffffff)


def mmio_seeds(out):
    os.makedirs(out, exist_ok=True)
    ring = 0x40000000
    init = [op(R, 0x000), op(R, 0x004), op(R, 0x008), op(W, 0x070, 0),
            op(W, 0x070, 1), op(W, 0x070, 3), op(W, 0x014, 0), op(R, 0x010),
            op(W, 0x014, 1), op(R, 0x010), op(W, 0x024, 1),
            op(W, 0x020, 1), op(W, 0x070, 11), op(R, 0x070)]
    q = [op(W, 0x030, 0), op(R, 0x034), op(W, 0x038, 8),
         op(W, 0x080, ring), op(W, 0x084, 0),
         op(W, 0x090, ring + 0x80), op(W, 0x094, 0),
         op(W, 0x0a0, ring + 0x100), op(W, 0x0a4, 0), op(W, 0x044, 1),
         op(R, 0x044)]
    run = [op(W, 0x070, 15), op(W, 0x050, 0), op(KICK), op(R, 0x060),
           op(W, 0x064, 1), op(TICK), op(R, 0x0fc), op(R, 0x100),
           op(W8, 0x100, 0x1234), op(W, 0x044, 0), op(W, 0x070, 0)]
    # device: 1 queue (4 + 4 behind MQ for bad-order), 8 bytes of config,
    # queue_max 8
    dev, mq = struct.pack('<4B', 0, 8, 3, 0), struct.pack('<4B', 4 | 8, 8, 3, 0)
    with open(os.path.join(out, 'init-queue-kick'), 'wb') as f:
        f.write(dev + b''.join(init + q + run))
    # the guest posts one chain (a 16-byte readable, a 1-byte writable
    # buffer) in the queue set up above, then kicks it
    post = [op(MEM, 0x00, ring + 0x1000), op(MEM, 0x08, 16), op(MEM, 0x0c, 1 | 1 << 16),
            op(MEM, 0x10, ring + 0x1100), op(MEM, 0x18, 1), op(MEM, 0x1c, 2),
            op(MEM, 0x80, 1 << 16), op(MEM, 0x84, 0)]
    with open(os.path.join(out, 'post-and-kick'), 'wb') as f:
        f.write(dev + b''.join(init + q + post + run))
    with open(os.path.join(out, 'bad-order'), 'wb') as f:
        f.write(mq + b''.join(q + run + init))


if __name__ == '__main__':
    main()
