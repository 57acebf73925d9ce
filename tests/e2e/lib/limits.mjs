// The limits gazette enforces, read from src/util/limits.h so the tests cross
// the same named limit the C code enforces instead of repeating literals.
//
//   import { LIMITS } from './lib/limits.mjs';
//   LIMITS.LIM_BODY_BYTES  // 1048576
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const LIMITS_H = path.join(REPO_ROOT, 'src', 'util', 'limits.h');

// Evaluate a C integer constant expression made only of decimal/hex numbers
// (with optional u/l suffixes), + - * / % << >> and parentheses. Anything else
// (including references to other macros) is resolved against `known` or
// rejected, so no arbitrary code is ever evaluated.
function evalExpr(expr, known, name) {
  let s = expr.replace(/\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b/g, '$1');
  s = s.replace(/\b[A-Za-z_]\w*\b/g, (id) => {
    if (Object.hasOwn(known, id)) return `(${known[id]})`;
    throw new Error(`limits.h: ${name}: unknown identifier ${id} in "${expr}"`);
  });
  if (!/^[\s0-9a-fA-FxX+\-*/%()<>]*$/.test(s)) {
    throw new Error(`limits.h: ${name}: cannot evaluate "${expr}"`);
  }
  // The limits are sums and products of integers, so JavaScript numbers are
  // exact; truncate in case a C integer division ever appears.
  const v = Function(`"use strict"; return (${s});`)();
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`limits.h: ${name}: "${expr}" is not a finite number`);
  }
  return Math.trunc(v);
}

export function parseLimits(text) {
  // Drop comments, then join continuation lines.
  const src = text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, '')
    .replace(/\\\n/g, ' ');
  const out = {};
  for (const line of src.split('\n')) {
    const m = /^\s*#\s*define\s+(LIM_\w+)\s+(.+?)\s*$/.exec(line);
    if (!m) continue;
    out[m[1]] = evalExpr(m[2], out, m[1]);
  }
  return out;
}

export const LIMITS = Object.freeze(parseLimits(readFileSync(LIMITS_H, 'utf8')));
export default LIMITS;
