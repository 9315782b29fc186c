// ESLint rule: no import cycle between the feature folders of src/ (src/<folder>/...), even when no
// single file takes part in a file-level cycle (import-x/no-cycle only sees those). A feature folder
// is a unit of the design: if billing imports suppliers and suppliers imports billing, neither can be
// understood, tested or moved without the other. Files directly in src/ (app.module.ts, main.ts, cli.ts)
// are composition roots and count one by one. `import type` / `export type` are erased and do not count.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

let cache;

function unitOf(srcDir, file) {
  const parts = relative(srcDir, file).split(sep);
  if (parts[0] === '..' || parts[0] === '') return undefined;
  return parts.length > 1 ? parts[0] : `/${parts[0].replace(/\.ts$/, '')}`;
}

function resolveImport(fromFile, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(fromFile), spec).replace(/\.js$/, '');
  return base.endsWith('.ts') ? base : `${base}.ts`;
}

function valueImports(file, text) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const out = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      const c = st.importClause;
      if (c?.isTypeOnly) continue;
      const b = c?.namedBindings;
      if (c && !c.name && b && ts.isNamedImports(b) && b.elements.length > 0 && b.elements.every((e) => e.isTypeOnly)) continue;
      out.push(st.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && !st.isTypeOnly) {
      out.push(st.moduleSpecifier.text);
    }
  }
  return out;
}

function walk(dir, files) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, files);
    else if (e.name.endsWith('.ts')) files.push(p);
  }
  return files;
}

/** Folder graph of src/ and, for each folder in a cycle, its strongly connected component. */
function graph(srcDir) {
  if (cache?.srcDir === srcDir) return cache;
  const edges = new Map();
  for (const file of walk(srcDir, [])) {
    const from = unitOf(srcDir, file);
    for (const spec of valueImports(file, readFileSync(file, 'utf8'))) {
      const target = resolveImport(file, spec);
      const to = target && unitOf(srcDir, target);
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from).add(to);
    }
  }
  // Tarjan's strongly connected components.
  let index = 0;
  const stack = [];
  const onStack = new Set();
  const idx = new Map();
  const low = new Map();
  const component = new Map();
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const members = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        members.push(w);
      } while (w !== v);
      if (members.length > 1) for (const m of members) component.set(m, members);
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  cache = { srcDir, edges, component };
  return cache;
}

/** A shortest path of folder imports from `from` back to `to`, for the message. */
function pathBack(edges, from, to) {
  const prev = new Map([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const v = queue.shift();
    if (v === to) break;
    for (const w of edges.get(v) ?? []) {
      if (prev.has(w)) continue;
      prev.set(w, v);
      queue.push(w);
    }
  }
  const path = [];
  for (let v = to; v !== null && v !== undefined; v = prev.get(v)) path.unshift(v);
  return path;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'forbid import cycles between the feature folders of src/' },
    schema: [],
    messages: { cycle: 'Feature folders import each other: {{path}}. Move the shared part into a file of its own lower down, or invert the dependency.' },
  },
  create(context) {
    const srcDir = join(context.cwd, 'src');
    const file = context.filename;
    const from = unitOf(srcDir, file);
    if (!from) return {};
    const { edges, component } = graph(srcDir);
    const members = component.get(from);
    if (!members) return {};
    const check = (node) => {
      if (node.importKind === 'type' || node.exportKind === 'type' || !node.source) return;
      if (node.specifiers?.length && node.specifiers.every((s) => s.importKind === 'type')) return;
      const target = resolveImport(file, node.source.value);
      const to = target && unitOf(srcDir, target);
      if (!to || to === from || !members.includes(to)) return;
      context.report({ node, messageId: 'cycle', data: { path: [from, ...pathBack(edges, to, from)].join(' -> ') } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
