#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tests/userspace/cases.py WORKDIR: the tool's malformed-input cases.

One file per case, tests/userspace/cases/<kind>/<name>.case, a JSON object
holding the input and the message the tool must fail with:
  "expect"  stderr after "hvisor: <input>: " (further lines are whole)
  "args"    optional extra arguments of the command
and the input, one of
  "base" + "delete"/"set"   a valid file (path from tests/userspace/)
                            mutated: the JSON pointers of "delete" are
                            removed, then each of "set" is given its value
  "json"                    the document itself
  "text"                    the bytes, for what is not JSON
  "fill"                    {"prefix": P, "char": C, "count": N}
  "dir": true               a directory where the file should be
  "absent": true            no file at all
Kinds, and the command run from WORKDIR:
  bad      zone check bad/<name>.json [args]
  vbad     virtio check vbad/<name>.json [args]
  xcheck   zone check xcheck/zone.json --virtio xcheck/v-<name>.json [args]

Writes every input under WORKDIR (bad/<name>.json, ...) and, per kind,
WORKDIR/cases-<kind>.sh: one command per case calling run.sh's function
of that kind, each word quoted for bash:
  bad NAME MESSAGE ARGS...
"""
import copy
import json
import os
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = {'bad': 'bad/%s.json', 'vbad': 'vbad/%s.json',
         'xcheck': 'xcheck/v-%s.json'}


def walk(doc, pointer):
    """The container holding @pointer's last token, and that token."""
    tokens = [t.replace('~1', '/').replace('~0', '~')
              for t in pointer.split('/')[1:]]
    for t in tokens[:-1]:
        doc = doc[int(t)] if isinstance(doc, list) else doc[t]
    last = tokens[-1]
    return doc, int(last) if isinstance(doc, list) else last


def mutate(case):
    with open(os.path.join(HERE, case['base']), encoding='utf-8') as f:
        doc = json.load(f)
    for p in case.get('delete', []):
        parent, key = walk(doc, p)
        del parent[key]
    for p, value in case.get('set', {}).items():
        if p == '':
            doc = copy.deepcopy(value)
            continue
        parent, key = walk(doc, p)
        if isinstance(parent, list) and key == len(parent):
            parent.append(copy.deepcopy(value))
        else:
            parent[key] = copy.deepcopy(value)
    return doc


def write_input(case, path):
    if case.get('absent'):
        return
    if case.get('dir'):
        os.makedirs(path, exist_ok=True)
        return
    if 'text' in case:
        data = case['text'].encode()
    elif 'fill' in case:
        fill = case['fill']
        data = (fill['prefix'] + fill['char'] * fill['count']).encode()
    else:
        doc = case['json'] if 'json' in case else mutate(case)
        data = (json.dumps(doc, indent=1) + '\n').encode()
    with open(path, 'wb') as f:
        f.write(data)


def main():
    work = sys.argv[1]
    for kind in sorted(KINDS):
        folder = os.path.join(HERE, 'cases', kind)
        script = open(os.path.join(work, 'cases-%s.sh' % kind), 'w',
                      encoding='utf-8')
        for name in sorted(os.listdir(folder)):
            if not name.endswith('.case'):
                continue
            name = name[:-len('.case')]
            with open(os.path.join(folder, name + '.case'),
                      encoding='utf-8') as f:
                case = json.load(f)
            path = os.path.join(work, KINDS[kind] % name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_input(case, path)
            words = [kind, name, case['expect']] + case.get('args', [])
            script.write(' '.join(shlex.quote(w) for w in words) + '\n')
        script.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
