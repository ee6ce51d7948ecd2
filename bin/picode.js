#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm install` builds it (the `prepare` script).
import('../dist/host/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/host/cli/main.js')) {
    process.stderr.write('picode: the compiled CLI is missing; run `npm run build` (or `npm install`) in the picode folder.\n');
    process.exit(1);
  }
  throw error;
});
