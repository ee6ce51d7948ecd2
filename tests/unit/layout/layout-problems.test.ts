import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemsFromIssues } from '../../../host/core/schemaProblems.js';
import { Reader } from '../../../host/layout/importers/shape.js';

/** Issue 12 §9: layout problems say "missing" for a missing value, and misspelt keys get a did-you-mean. */
describe('layout problems', () => {
  const schema = z.object({ command: z.union([z.string(), z.array(z.string())]) }).strict();
  const problems = (data: unknown) => {
    const parsed = schema.safeParse(data);
    expect(parsed.success).toBe(false);
    return problemsFromIssues(parsed.success ? [] : parsed.error.issues, data);
  };

  it('a missing value of a union says missing and what it expects, not "unexpected nothing"', () => {
    expect(problems({})).toEqual([{ path: ['command'], atKey: true, message: 'missing: expected a string or a list' }]);
  });

  it('an empty value of a union says what it expects and what it found', () => {
    expect(problems({ command: null })).toEqual([{ path: ['command'], atKey: false, message: 'expected a string or a list, found null (an empty value)' }]);
  });

  it('an imported format\'s misspelt key is reported with the key it resembles', () => {
    const r = new Reader();
    r.unknownKeys({ shell_comand: 'x', frobnicate: 1 }, ['shell_command', 'focus'], 'windows[0].panes[0]');
    expect(r.unsupported).toEqual([
      'windows[0].panes[0].shell_comand (unknown key, did you mean "shell_command"?)',
      'windows[0].panes[0].frobnicate (not a field picode knows)',
    ]);
  });
});
