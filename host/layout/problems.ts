import { PicodeError } from '../core/errors.js';
import { formatPath, type Problem } from '../core/schemaProblems.js';
import type { SourceFile } from '../core/sourceFile.js';

/** Thrown by loaders with every problem found, so the user fixes them in one pass. */
export class LayoutProblems extends Error {
  constructor(readonly problems: readonly Problem[], readonly hint: string) {
    super(problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('; '));
  }
}

export function problem(path: readonly PropertyKey[], message: string, atKey = false): Problem {
  return { path, message, atKey };
}

/** `file:line: key: what` for each problem, as one PicodeError. */
export function layoutError(source: SourceFile, problems: readonly Problem[], hint: string): PicodeError {
  const lines = problems.slice(0, 12).map((p) => {
    const line = source.lineOf(p.path, { key: p.atKey });
    const where = line === undefined ? source.file : `${source.file}:${line}`;
    return `  ${where}: ${formatPath(p.path) || '(top level)'}: ${p.message}`;
  });
  if (problems.length > 12) lines.push(`  ... and ${problems.length - 12} more`);
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return new PicodeError(`invalid layout ${source.file} (${problems.length} ${noun}):\n${lines.join('\n')}`, { hint });
}
