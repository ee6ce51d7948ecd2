import { describe, expect, it } from 'vitest';
import { parseSettings, upFastPath } from '../../../host/cli/commands/up.js';

describe('picode up arguments', () => {
  it.each([[['--help']], [['-h']], [['--bogus']], [['dev', '--session']], [['--version']]])(
    'leaves %j to commander (help texts and usage errors live there)', async (argv) => {
      expect(await upFastPath(argv)).toBeUndefined();
    });

  it('reads key=value settings and rejects anything else, naming it', () => {
    expect(parseSettings(['a=1', 'b.c=x=y', 'empty='])).toEqual({ a: '1', 'b.c': 'x=y', empty: '' });
    expect(() => parseSettings(['oops'])).toThrow(/unexpected argument "oops": settings after the layout are written key=value/);
    expect(() => parseSettings(['=v'])).toThrow(/unexpected argument "=v"/);
  });
});
