#!/usr/bin/env python3
"""Checks that the crates' modules form layers: no module uses one that uses
it back. Reads the `use` lines and `crate::`/`super::` paths of every source
file (test modules excluded) and fails, naming the cycle, when

  1. the top-level modules of a crate (`core/src/model`, `core/src/store`,
     `sync-server/src/routes`, ...) reference each other in a cycle, or
  2. the files inside one module folder (siblings; the folder's `mod.rs` is
     its face and is left out) reference each other in a cycle.

In lianjian-core, edges into `error` are not layer edges: it is the crate's
one error type, which every layer returns and which names each layer's typed
error (credit codes, deadlines, teams, evidence, ...). The server and the
bindings get no such allowance.

Usage: scripts/check_layers.py
"""

import collections
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Each crate's source folder, and the modules edges into which do not count.
CRATES = {"core/src": {"error"}, "documents/src": set(), "sync-server/src": set(), "bindings/src": set()}


def module_of(path, src):
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def strip(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    cut = text.find("#[cfg(test)]")
    return text if cut < 0 else text[:cut]


def expand(prefix, body):
    """`a::{b, c::{d, e}}` -> [a::b, a::c::d, a::c::e]."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(body + ","):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            item = body[start:i].strip()
            start = i + 1
            if not item:
                continue
            m = re.match(r"^([\w:]*?)::\{(.*)\}$", item, flags=re.S)
            if m:
                out += expand(prefix + m.group(1).split("::"), m.group(2))
            else:
                out.append(prefix + item.split(" as ")[0].strip().split("::"))
    return out


def references(text, module, is_mod_file):
    """Absolute module paths (lists) the text refers to."""
    paths = []
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        spec = re.sub(r"\s+", "", m.group(1))
        br = re.match(r"^([\w:]*?)::\{(.*)\}$", spec)
        paths += expand(br.group(1).split("::"), br.group(2)) if br else [spec.split("::")]
    for m in re.finditer(r"\b((?:crate|super|self)(?:::\w+)+)", text):
        paths.append(m.group(1).split("::"))
    out = []
    # Inside a mod.rs, `super` is the folder's parent; elsewhere the file's folder.
    base = list(module) if is_mod_file else list(module[:-1])
    for p in paths:
        if p[0] == "crate":
            out.append(p[1:])
        elif p[0] == "self":
            out.append(list(module) + p[1:])
        elif p[0] == "super":
            b = list(base)
            q = p
            while q and q[0] == "super":
                q = q[1:]
                if q and q[0] == "super":
                    b = b[:-1]
            out.append(b + q)
    return out


def resolve(path, modules):
    for n in range(len(path), 0, -1):
        if tuple(path[:n]) in modules:
            return tuple(path[:n])
    return None


def cycles(graph):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
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
                out.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def check(src, exempt):
    files = {module_of(p, src): p for p in src.rglob("*.rs")}
    modules = set(files)
    edges = collections.defaultdict(set)
    for mod, path in files.items():
        text = strip(path.read_text(encoding="utf-8"))
        for ref in references(text, mod, path.name in ("mod.rs", "lib.rs", "main.rs")):
            target = resolve(ref, modules)
            if target is not None and target != mod:
                edges[mod].add(target)
    problems = []
    # 1. Top-level modules.
    top = collections.defaultdict(set)
    for s, ts in edges.items():
        for t in ts:
            if s and t and s[0] != t[0] and t[0] not in exempt:
                top[s[0]].add(t[0])
    for comp in cycles(top):
        why = [f"{a} -> {b}" for a in comp for b in sorted(top[a]) if b in comp]
        problems.append(f"{src}: modules {', '.join(comp)} use each other ({'; '.join(why)})")
    # 2. Siblings inside each folder (the folder's mod.rs excluded).
    folders = {m[:-1] for m in modules if len(m) >= 1}
    for folder in sorted(folders):
        sib = collections.defaultdict(set)
        for s, ts in edges.items():
            if len(s) == len(folder) + 1 and s[:-1] == folder:
                for t in ts:
                    if len(t) > len(folder) and t[: len(folder)] == folder and t[: len(folder) + 1] != s:
                        sib[s].add(t[: len(folder) + 1])
        for comp in cycles(sib):
            names = ["/".join(c) for c in comp]
            problems.append(f"{src}: files {', '.join(names)} use each other")
    return problems


def self_test():
    """The check must fail on a cycle: a two-module crate that has one, and
    the same crate without it."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / "src"
        (src / "low").mkdir(parents=True)
        (src / "lib.rs").write_text("pub mod low;\npub mod high;\n")
        (src / "low" / "mod.rs").write_text("pub mod a;\npub mod b;\n")
        (src / "low" / "a.rs").write_text("use super::b::B;\npub struct A;\n")
        (src / "low" / "b.rs").write_text("pub struct B;\n")
        (src / "high.rs").write_text("use crate::low::{a::A, b::B};\n")
        assert check(src, set()) == [], check(src, set())
        (src / "low" / "b.rs").write_text("use crate::high::H;\nuse super::a::A;\npub struct B;\n")
        (src / "high.rs").write_text("use crate::low::{a::A, b::B};\npub struct H;\n")
        found = check(src, set())
        assert any("modules high, low" in p for p in found), found
        assert any("files low/a, low/b" in p for p in found), found


def main():
    self_test()
    problems = [p for crate, exempt in CRATES.items() for p in check(ROOT / crate, exempt)]
    for p in problems:
        print("layering:", p)
    if problems:
        sys.exit(1)
    print(f"layering: {len(CRATES)} crates, no cycles")


if __name__ == "__main__":
    main()
