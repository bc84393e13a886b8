#!/usr/bin/env python3
"""Import cycles between the modules of each crate.

For every crate under crates/, each top-level module (src/x.rs or src/x/)
is a node; module A depends on B when A's code names `crate::B` (in a `use`
or a path). A cycle (A needs B, B needs A, directly or through others) makes
both harder to read and to change: this reports every strongly connected
component of more than one module and exits 1 if there is any.

Usage: python3 tools/module-cycles.py [crate ...]   (default: every crate)
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# `crate::name` anywhere (use lines, paths in code), and the names inside a
# `use crate::{a, b::c}` group.
PATH = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")
GROUP = re.compile(r"\buse\s+crate::\{([^;]*)\}", re.S)
COMMENT = re.compile(r"//[^\n]*")


def modules(src: pathlib.Path) -> dict:
    """Top-level module name -> the files it is made of."""
    found = {}
    for path in sorted(src.glob("*.rs")):
        if path.stem in ("lib", "main"):
            continue
        found.setdefault(path.stem, []).append(path)
    for path in sorted(src.iterdir()):
        if path.is_dir():
            found.setdefault(path.name, []).extend(sorted(path.rglob("*.rs")))
    return found


def references(text: str) -> set:
    text = COMMENT.sub("", text)
    names = set(PATH.findall(text))
    for group in GROUP.findall(text):
        for item in group.split(","):
            head = item.strip().split("::")[0].strip("{} \n")
            if re.fullmatch(r"[a-z_][a-z0-9_]*", head):
                names.add(head)
    return names


def cycles(graph: dict) -> list:
    """Tarjan's strongly connected components with more than one node."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def main() -> int:
    names = sys.argv[1:] or sorted(p.name for p in (ROOT / "crates").iterdir() if (p / "src").is_dir())
    failed = False
    for name in names:
        src = ROOT / "crates" / name / "src"
        mods = modules(src)
        graph = {}
        for module, files in mods.items():
            text = "\n".join(f.read_text() for f in files)
            graph[module] = sorted(n for n in references(text) if n in mods and n != module)
        edges = sum(len(v) for v in graph.values())
        found = cycles(graph)
        if found:
            failed = True
            for component in found:
                detail = "; ".join(f"{m} -> {', '.join(n for n in graph[m] if n in component)}" for m in component)
                print(f"{name}: import cycle among {', '.join(component)} ({detail})")
        else:
            print(f"{name}: {len(mods)} modules, {edges} dependencies between them, no cycle")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
