// The peers of `npm run bench -- mcp`'s start figure, started the way `picode mcp serve` is:
//   node bench/mcpPeers.mjs sdk      the smallest server written with the official SDK: `Server` and
//                                    the stdio transport, nothing else, imported as the SDK's docs do
//                                    (its ES modules): the SDK's own floor;
//   node bench/mcpPeers.mjs sdk-cjs  the same server from the SDK's CommonJS build (what picode loads);
//   node bench/mcpPeers.mjs node     no SDK: answers `initialize` by hand (the floor of a Node process).
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

if (process.argv[2] === 'node') {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const message = JSON.parse(line);
    if (message.method !== 'initialize') return;
    const result = { protocolVersion: message.params.protocolVersion, capabilities: {}, serverInfo: { name: 'node-floor', version: '1' } };
    process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id: message.id, result })}\n`);
  });
} else {
  const require = createRequire(import.meta.url);
  const [{ Server }, { StdioServerTransport }] = process.argv[2] === 'sdk-cjs'
    ? [require('@modelcontextprotocol/sdk/server/index.js'), require('@modelcontextprotocol/sdk/server/stdio.js')]
    : await Promise.all([import('@modelcontextprotocol/sdk/server/index.js'), import('@modelcontextprotocol/sdk/server/stdio.js')]);
  const server = new Server({ name: 'sdk-minimal', version: '1' }, { capabilities: { tools: {} } });
  await server.connect(new StdioServerTransport());
}
