import { describe, expect, it } from 'vitest';
import { mcpServeFastPath } from '../../../host/cli/commands/mcpServe.js';

/**
 * bin/picode.js hands `mcp serve` to mcpServeFastPath; whatever it does not serve itself must
 * come back undefined (before it connects to anything), so the full CLI prints help, usage
 * errors, or serves --http.
 */
describe('the fast path of picode mcp serve', () => {
  it.each([
    [['mcp', 'serve', '--help']],
    [['mcp', 'serve', '--http', '--session', 's']],
    [['mcp', 'serve', '--session', 's', '--port', '80']],
    [['mcp', 'serve', '--run', 'x']],
    [['mcp', 'serve', '--run', '0']],
    [['mcp', 'serve', 'extra']],
    [['mcp', 'serve', '--session']],
  ])('leaves %j to the full CLI', async (argv) => {
    expect(await mcpServeFastPath(argv)).toBeUndefined();
  });
});
