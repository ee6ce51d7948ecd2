import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { shellCommand, shellQuote } from '../../../host/core/shellQuote.js';
import { attachHint } from '../../../host/cli/commands/up.js';

/** What sh makes of a command line: its words, as it would pass them to the program. */
function wordsOf(line: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${line.replace(/^\S+/, '')}`], { encoding: 'utf8' });
  return [line.split(' ')[0]!, ...out.split('\0').slice(0, -1)];
}

describe('shell quoting (issue 13 §8)', () => {
  it('sh reads every quoted word back unchanged', () => {
    const word = fc.string({ unit: fc.constantFrom('a', ' ', "'", '"', ';', '$', '`', '\\', '\n', '*', '&', '|', '(', '#', '~', 'é', '=') });
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (words) => {
      const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${words.map(shellQuote).join(' ')}`], { encoding: 'utf8' });
      expect(out.split('\0').slice(0, -1)).toEqual(words);
    }), { numRuns: 200 });
  });

  it('the attach hint of a hostile session name runs nothing', () => {
    const hint = attachHint('tmux', 'a;touch /tmp/x', 'srv $(id)');
    expect(hint).toBe("tmux -L 'srv $(id)' attach -t 'a;touch /tmp/x'");
    expect(wordsOf(hint)).toEqual(['tmux', '-L', 'srv $(id)', 'attach', '-t', 'a;touch /tmp/x']);
    expect(attachHint('tmux', 'dev', undefined)).toBe('tmux attach -t dev');
    expect(shellCommand(['zellij', 'attach', "it's"])).toBe("zellij attach 'it'\\''s'");
  });
});
