#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/check-layers.py [ROOT]: the layering rules of kernel/, as a test.

The import graph: a node is one unit of kernel/ (foo.c and foo.h are one
unit, "kernel/virtio/foo"), an edge is an #include "..." of another unit's
header.  Headers are where a unit's callable functions are declared (W=1
builds refuse a call without a prototype), so the graph is also who calls
whom, up to function pointers: a lower layer calls up only through a
registration (struct hv_seam_client, struct hv_vdev_mmio_ops, ...).

Fails (exit 1, one line per broken rule) if
  - kernel/seam.c or kernel/seam_internal.h includes the bridge, the
    registry, the zones or anything of kernel/virtio/ (the seam registers
    an implementation and nothing else), or
  - the graph has a cycle (each one is printed).
Prints "layers: N units, N edges, no cycle" otherwise.
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), '..'))
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# what the seam may include: its own headers, the arch trap, common/
SEAM_FORBIDDEN = re.compile(r'(^|/)(bridge\w*|vdev|zone\w*|virtio/.*|main)\.h$')


def unit(path):
    return os.path.splitext(os.path.relpath(path, ROOT))[0]


def includes(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    for name in INC.findall(text):
        yield name, os.path.normpath(os.path.join(os.path.dirname(path),
                                                  name))


def main():
    files = []
    for d, _, names in os.walk(os.path.join(ROOT, 'kernel')):
        files += [os.path.join(d, n) for n in names
                  if n.endswith(('.c', '.h'))]
    errors = []
    graph = {}
    for f in sorted(files):
        u = unit(f)
        graph.setdefault(u, set())
        for name, target in includes(f):
            if not target.startswith(os.path.join(ROOT, 'kernel') + os.sep):
                continue        # include/, common/: below every layer
            if not os.path.exists(target):
                continue
            if u in ('kernel/seam', 'kernel/seam_internal') and \
                    SEAM_FORBIDDEN.search(os.path.relpath(target, ROOT)):
                errors.append('%s includes "%s": the seam must not know '
                              'the layers above it' % (os.path.relpath(f, ROOT), name))
            t = unit(target)
            if t != u:
                graph[u].add(t)

    # every cycle through Tarjan's strongly connected components
    index, low, stack, on, sccs = {}, {}, [], set(), []

    def strong(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            strong(v)
    for comp in sccs:
        edges = ['%s -> %s' % (a, b) for a in comp for b in sorted(graph[a])
                 if b in comp]
        errors.append('include cycle among %s: %s' % (', '.join(comp),
                                                      '; '.join(edges)))
    for e in errors:
        print('layers: ' + e)
    if errors:
        return 1
    print('layers: %d units, %d edges, no cycle' %
          (len(graph), sum(len(s) for s in graph.values())))
    return 0


if __name__ == '__main__':
    sys.exit(main())
