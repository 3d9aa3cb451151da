#!/usr/bin/env node
// Fails when two folders under src/ import each other, directly or through others.
//
// Every .ts file under the source root is read; each relative import or re-export (type-only
// ones too, and `import('...')`) is resolved to the file it names, and the two files' top-level
// folders under the root become an edge of the folder graph. A file directly under the root
// (src/bridge.ts, src/workers.ts, src/config.ts, ...) is a node of its own, named by its file:
// those files wire folders together, and a folder that reaches back into one of them is as much
// a cycle as two folders reaching into each other, so ignoring them would hide cycles.
// Imports that leave the root (../sim, packages) are not part of the graph.
//
// Usage: node scripts/folder-cycles.mjs [root]   (root defaults to src/ beside this script)
// Exit status 1, one line per cycle such as `queue -> sync -> queue` and the files behind each of its
// imports, when there is a cycle; 0 when there is none.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;

/** Every .ts file under `dir`, as absolute paths. */
function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

/** The folder-graph node a path under `root` belongs to, or undefined outside it. */
function nodeOf(root, path) {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..')) return undefined;
  const [first, ...rest] = rel.split(sep);
  return rest.length === 0 ? first.replace(/\.js$/, '.ts') : first;
}

/**
 * The graph between top-level folders (and top-level files) under `root`: node -> (node it imports ->
 * the files, relative to `root`, that import it).
 */
export function folderGraph(root) {
  const absRoot = resolve(root);
  const graph = new Map();
  const nodeEdges = (node) => {
    if (!graph.has(node)) graph.set(node, new Map());
    return graph.get(node);
  };
  for (const file of sourceFiles(absRoot).sort()) {
    const from = nodeOf(absRoot, file);
    const edges = nodeEdges(from);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const to = nodeOf(absRoot, resolve(dirname(file), match[2]));
      if (to === undefined || to === from) continue;
      nodeEdges(to);
      if (!edges.has(to)) edges.set(to, []);
      const importer = relative(absRoot, file).split(sep).join('/');
      if (!edges.get(to).includes(importer)) edges.get(to).push(importer);
    }
  }
  return graph;
}

/** The strongly connected components of `graph` (Tarjan), each a set of nodes. */
function components(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (node) => {
    index.set(node, index.size);
    low.set(node, index.get(node));
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node).keys()) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
    }
    if (low.get(node) === index.get(node)) {
      const component = new Set();
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.add(member);
      } while (member !== node);
      found.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** The shortest path from `from` to `to` inside `within`, both ends included. */
function shortestPath(graph, from, to, within) {
  const previous = new Map([[from, undefined]]);
  const queue = [from];
  while (queue.length > 0) {
    const node = queue.shift();
    if (node === to) break;
    for (const next of [...graph.get(node).keys()].sort()) {
      if (within.has(next) && !previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  const path = [to];
  while (path[0] !== from) path.unshift(previous.get(path[0]));
  return path;
}

/**
 * The import cycles between folders under `root`, each as its nodes in order with the first repeated at
 * the end (['queue', 'sync', 'queue']): for every import that closes a cycle, the shortest cycle through
 * it, listed once, starting at its alphabetically first node. Enumerating every elementary cycle would
 * bury the imports to fix under thousands of lines; these name each of them.
 */
export function folderCycles(root) {
  const graph = folderGraph(root);
  const cycles = new Map();
  for (const component of components(graph)) {
    if (component.size < 2) continue;
    for (const from of [...component].sort()) {
      for (const to of [...graph.get(from).keys()].sort()) {
        if (!component.has(to)) continue;
        const loop = [from, ...shortestPath(graph, to, from, component).slice(0, -1)];
        const first = loop.indexOf([...loop].sort()[0]);
        const cycle = [...loop.slice(first), ...loop.slice(0, first)];
        cycles.set(cycle.join(' -> '), [...cycle, cycle[0]]);
      }
    }
  }
  return [...cycles.values()].sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
}

/** Prints each cycle under `root`, with the files behind each import, and returns 1, or 0 without one. */
export function checkFolderCycles(root, out = (line) => process.stderr.write(`${line}\n`)) {
  const cycles = folderCycles(root);
  if (cycles.length === 0) return 0;
  const graph = folderGraph(root);
  out(`Import cycles between folders under ${relative(process.cwd(), resolve(root)) || '.'}:`);
  for (const cycle of cycles) {
    out(`  ${cycle.join(' -> ')}`);
    for (let i = 0; i + 1 < cycle.length; i += 1) {
      const files = graph.get(cycle[i]).get(cycle[i + 1]);
      const more = files.length > 3 ? ` and ${files.length - 3} more` : '';
      out(`    ${cycle[i]} -> ${cycle[i + 1]}: ${files.slice(0, 3).join(', ')}${more}`);
    }
  }
  return 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  process.exitCode = checkFolderCycles(root);
}
