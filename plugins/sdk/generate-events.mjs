#!/usr/bin/env node
// Generates plugins/sdk/events.d.ts (the payload type of every event) from the event catalog
// (host/bus/catalog), read from the build: run `npx tsc -p tsconfig.json` first.
//
//   node plugins/sdk/generate-events.mjs   write plugins/sdk/events.d.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', 'dist', 'host', 'bus', 'catalog');
const { eventCatalog } = await import(join(dist, 'index.js'));
const { renderSdkEventTypes } = await import(join(dist, 'sdkTypes.js'));
writeFileSync(join(here, 'events.d.ts'), renderSdkEventTypes(eventCatalog));
process.stdout.write('wrote plugins/sdk/events.d.ts\n');
