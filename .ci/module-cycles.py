#!/usr/bin/env python3
"""Module cycles in src/: exits 1 and prints them when two sibling modules depend on each
other, directly or through other siblings.

How it reads the code: every file is a module (src/x/mod.rs is `x`); every path that
starts with `crate::`, `super::` or `self::` (in `use` trees too) is an edge to the
deepest module it names. An edge between two modules counts between the children of their
closest common ancestor (engine::proxy::relay -> engine::records::codec counts as
proxy -> records). An edge from a module to its own ancestor or descendant is
containment, not a cycle. Test modules (`#[cfg(test)] mod tests`) are left out.
Usage: python3 .ci/module-cycles.py [SRC_DIR]
"""
import os
import re
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")


def module_of(path):
    rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
    if rel in (["lib"], ["main"]):
        return ("crate",) if rel == ["lib"] else ("crate", "<main>")
    if rel[-1] == "mod":
        rel = rel[:-1]
    return ("crate",) + tuple(rel)


def strip_tests_and_comments(text):
    m = re.search(r"#\[cfg\(test\)\]\s*(pub(\(crate\))?\s+)?mod\s+tests", text)
    if m:
        text = text[: m.start()]
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(\\.|[^"\\])*"', '""', text)


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> [a::b, a::c::d, a::c::e]."""
    tree = re.sub(r"\s+", "", tree)
    depth, cut = 0, None
    for i, ch in enumerate(tree):
        if ch == "{" and depth == 0:
            cut = i
            break
    if cut is None:
        return [tree.split(" as ")[0]]
    prefix, inner = tree[:cut], tree[cut + 1 : -1]
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    out = []
    for p in parts:
        if p:
            out += [prefix + q for q in expand_use(p)]
    return out


def resolve(path, here, modules):
    segs = path.split("::")
    if segs[0] == "crate":
        base, rest = ("crate",), segs[1:]
    elif segs[0] in ("super", "self"):
        base = here
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                base = base[:-1]
            segs = segs[1:]
        rest = segs
    else:
        return None
    best = base
    for s in rest:
        if base + (s,) in modules:
            base = base + (s,)
            best = base
        else:
            break
    return best


def main():
    files = []
    for root, _, names in os.walk(SRC):
        files += [os.path.join(root, n) for n in names if n.endswith(".rs")]
    modules = {module_of(f): f for f in files}
    edges = {}
    for mod, f in modules.items():
        text = strip_tests_and_comments(open(f, encoding="utf-8").read())
        paths = []
        for m in re.finditer(r"\buse\s+([^;]+);", text):
            paths += expand_use(m.group(1))
        paths += re.findall(r"\b(?:crate|super|self)(?:::\w+)+", text)
        for p in paths:
            target = resolve(p.strip(), mod, modules)
            if target and target != mod:
                edges.setdefault(mod, set()).add(target)
    # Project onto siblings under the closest common ancestor.
    sib = {}
    for a, targets in edges.items():
        for b in targets:
            n = 0
            while n < min(len(a), len(b)) and a[n] == b[n]:
                n += 1
            if n == len(a) or n == len(b):
                continue  # ancestor or descendant: containment
            sib.setdefault(a[: n + 1], set()).add(b[: n + 1])
    # Tarjan's strongly connected components.
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sib.get(v, ()):
            if w not in index:
                visit(w)
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
                sccs.append(comp)

    sys.setrecursionlimit(10000)
    for v in list(sib):
        if v not in index:
            visit(v)
    n_edges = sum(len(t) for t in sib.values())
    if sccs:
        for comp in sccs:
            names = sorted("::".join(c) for c in comp)
            print("module cycle: " + " <-> ".join(names))
            for a in sorted(comp):
                for b in sorted(sib.get(a, ())):
                    if b in comp:
                        print(f"    {'::'.join(a)} -> {'::'.join(b)}")
        sys.exit(1)
    print(f"no module cycle: {len(modules)} modules, {n_edges} sibling edges")


main()
