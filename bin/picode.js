#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm install` builds it (the `prepare` script).
function missingBuild(error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('/dist/host/cli/')) {
    process.stderr.write('picode: the compiled CLI is missing; run `npm run build` (or `npm install`) in the picode folder.\n');
    process.exit(1);
  }
  throw error;
}

// Node 22+ can cache compiled code between runs (a free start-up win where available).
import module from 'node:module';
module.enableCompileCache?.();

// `picode up` has a start-up budget (a workspace ready in a fraction of tmuxp's time): it
// parses its own options without loading commander, and falls back to the full CLI for
// help and usage errors (see upFastPath in host/cli/commands/up.ts).
if (process.argv[2] === 'up') {
  const { upFastPath } = await import('../dist/host/cli/commands/up.js').catch(missingBuild);
  const code = await upFastPath(process.argv.slice(3));
  if (code !== undefined) process.exit(code);
}
// `picode mcp serve` (stdio) is started by agents, which wait for its `initialize` answer: it too
// skips commander (see mcpServeFastPath in host/cli/commands/mcpServe.ts).
const mcpAt = process.argv[2] === '--tmux-socket' ? 4 : 2;
if (process.argv[mcpAt] === 'mcp' && process.argv[mcpAt + 1] === 'serve') {
  const { mcpServeFastPath } = await import('../dist/host/cli/commands/mcpServe.js').catch(missingBuild);
  const code = await mcpServeFastPath(process.argv.slice(2));
  if (code !== undefined) process.exit(code);
}
import('../dist/host/cli/main.js').catch(missingBuild);
