#!/usr/bin/env python3
"""Embed files in the binary: writes a C file defining
`const struct embed_file NAME[]`, ended by an entry whose name is NULL.
Usage: embed.py OUT.c SYMBOL PREFIX FILE... (names are paths relative to
PREFIX).  Run by meson at build time; the files stay the source of truth."""
import os
import sys

out, symbol, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
files = sorted(sys.argv[4:])
with open(out, "w") as f:
    f.write('#include "util/embed.h"\n\n')
    for i, path in enumerate(files):
        data = open(path, "rb").read()
        f.write("static const unsigned char d%d[] = {" % i)
        for j, byte in enumerate(data):
            if j % 16 == 0:
                f.write("\n\t")
            f.write("%d," % byte)
        f.write("0};\n")
    f.write("\nconst struct embed_file %s[] = {\n" % symbol)
    for i, path in enumerate(files):
        name = os.path.relpath(path, prefix).replace(os.sep, "/")
        f.write('\t{"%s", (const char *)d%d, %d},\n' % (name, i, os.path.getsize(path)))
    f.write("\t{0, 0, 0},\n};\n")
