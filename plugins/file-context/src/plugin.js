// file-context: the files the user points at (names or globs such as `src/**/*.ts`), read
// through fs-read under the granted roots and trimmed to the token budget: earlier targets
// first; a file that does not fit whole is cut with a marker.
import * as fs from 'picode:plugin/fs-read@0.1.0';
import * as log from 'picode:plugin/log@0.1.0';
import { contextItem, describe, estimateTokens, trimToBudget } from '@picode/sdk';
import { SKIP_DIRS, globBase, globToRegExp, isGlob } from './glob.js';

const MAX_FILES = 200;       // matched files considered per request
const MAX_VISITS = 5000;     // directory entries walked per request
const MAX_FILE_BYTES = 256 * 1024;

function walk(base, re, out, budget) {
  let entries;
  try {
    entries = fs.listDir(base);
  } catch (error) {
    log.write('debug', `cannot list ${base || '.'}: ${error}`);
    return;
  }
  for (const e of entries) {
    if (out.length >= MAX_FILES || budget.visits-- <= 0) return;
    const path = base ? `${base}/${e.name}` : e.name;
    if (e.kind === 'dir') {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(path, re, out, budget);
    } else if (e.kind === 'file' && re.test(path)) {
      out.push(path);
    }
  }
}

/** The files a list of names and globs designates, in target order, without duplicates. */
export function resolveTargets(targets) {
  const files = [];
  const seen = new Set();
  const budget = { visits: MAX_VISITS };
  for (const raw of targets) {
    const target = raw.replace(/^\.\//, '');
    if (!target || target.endsWith('/')) continue;
    const found = [];
    if (isGlob(target)) walk(globBase(target), globToRegExp(target), found, budget);
    else found.push(target);
    for (const f of found.sort()) {
      if (!seen.has(f)) { seen.add(f); files.push(f); }
    }
  }
  return files.slice(0, MAX_FILES);
}

function readText(path) {
  let text;
  try {
    text = fs.readFile(path, MAX_FILE_BYTES);
  } catch (error) {
    log.write('info', `skipped ${path}: ${error}`);
    return undefined;
  }
  if (text.includes('\u0000')) return undefined; // binary
  return text;
}

export const guest = {
  describe() {
    return describe({
      name: 'file-context',
      version: '0.1.0',
      summary: 'Files named or matched by globs, trimmed to the token budget.',
      contextProviders: ['files'],
      tools: [{
        name: 'find_files',
        description: 'List the files matching names or globs (e.g. "src/**/*.ts") under the session root.',
        inputSchema: { type: 'object', properties: { globs: { type: 'array', items: { type: 'string' } } }, required: ['globs'] },
      }],
    });
  },

  onEvent() {
    return [];
  },

  gatherContext(request) {
    const files = resolveTargets(request.targets);
    const items = [];
    let left = request.tokenBudget;
    for (let i = 0; i < files.length && left > 0; i++) {
      const text = readText(files[i]);
      if (text === undefined) continue;
      // Earlier targets rank higher; priorities stay within 30-90.
      items.push(contextItem(`file-context:${files[i]}`, files[i], text, Math.max(30, 90 - i)));
      left -= estimateTokens(text);
    }
    return trimToBudget(items, request.tokenBudget);
  },

  callTool(name, args) {
    if (name !== 'find_files') throw `unknown tool ${name}`;
    let globs;
    try { globs = JSON.parse(args).globs; } catch { throw 'arguments must be JSON: {"globs": ["src/**/*.ts"]}'; }
    if (!Array.isArray(globs) || !globs.every((g) => typeof g === 'string')) throw 'globs must be a list of strings';
    return JSON.stringify({ files: resolveTargets(globs) });
  },
};
