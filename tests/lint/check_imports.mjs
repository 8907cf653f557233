// Fails on a circular import among the extension's ES modules (extension/src/**/*.js), and on a
// relative import of a file that does not exist. Prints each cycle as a chain of files.
//   node tests/lint/check_imports.mjs [ROOT]   (ROOT: the repository, default: two levels up)
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] || join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
const src = join(root, 'extension', 'src');

function files(dir) {
  return readdirSync(dir).flatMap(n => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.js') ? [p] : [];
  });
}

// Static imports and re-exports: import ... from './x.js'; import './x.js'; export ... from './x.js'.
const IMPORT = /^\s*(?:import|export)\s+(?:[^'"]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;
export function importsOf(file, text) {
  return [...text.matchAll(IMPORT)].map(m => resolve(dirname(file), m[1]));
}

export function findCycles(graph) {
  const state = new Map(); // file -> 1 on the stack, 2 done
  const stack = [];
  const cycles = [];
  const visit = f => {
    state.set(f, 1);
    stack.push(f);
    for (const d of graph.get(f) || []) {
      if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  return cycles;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const graph = new Map();
  const problems = [];
  for (const f of files(src)) {
    const deps = importsOf(f, readFileSync(f, 'utf8'));
    for (const d of deps) if (!existsSync(d)) problems.push(`${relative(root, f)}: imports missing ${relative(root, d)}`);
    graph.set(f, deps);
  }
  for (const c of findCycles(graph)) problems.push('import cycle: ' + c.map(f => relative(root, f)).join(' -> '));
  for (const p of problems) console.log(p);
  console.log(`imports: ${graph.size} modules, ${problems.length} problems`);
  process.exit(problems.length ? 1 : 0);
}
