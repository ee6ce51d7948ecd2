import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HostCallChannel, INLINE_BYTES } from '../../../host/plugins/callChannel.js';
import type { CallReply } from '../../../host/plugins/protocol.js';
import { root, tempDir } from '../../integration/plugins/helpers.js';

/**
 * The channel between a plugin's supervisor and its worker, driven across a real worker
 * thread. The worker side is the compiled module (`npm test` compiles before vitest).
 */

const tmp = tempDir('picode-channel-');
const compiled = pathToFileURL(join(root, 'dist', 'host', 'plugins', 'callChannel.js')).href;

/** A worker that answers each request with `behaviour` applied to it. */
function startWorker(behaviour: 'echo' | 'hang-after-first'): Worker {
  const file = join(tmp.dir, `${behaviour}.mjs`);
  writeFileSync(file, `
import { workerData } from 'node:worker_threads';
import { WorkerCallChannel } from ${JSON.stringify(compiled)};
const calls = new WorkerCallChannel(workerData);
for (let n = 0; ; n++) {
  const request = calls.next();
  if (${JSON.stringify(behaviour)} === 'hang-after-first' && n > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  calls.reply({ id: request.id, ok: true, value: { op: request.op, arg: request.arg } });
}
`);
  return new Worker(file, { workerData: channelInit, transferList: [channelInit.port] });
}

let channelInit: ReturnType<typeof HostCallChannel.create>['init'];
const workers: Worker[] = [];

function open(behaviour: 'echo' | 'hang-after-first'): HostCallChannel {
  const { host, init } = HostCallChannel.create();
  channelInit = init;
  workers.push(startWorker(behaviour));
  return host;
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});
afterAll(() => tmp.dispose());

function valueOf(reply: CallReply | undefined): unknown {
  expect(reply?.ok).toBe(true);
  return reply?.ok ? reply.value : undefined;
}

describe('the call channel', () => {
  it('carries calls one after the other, each reply matching its request', async () => {
    const channel = open('echo');
    for (let id = 1; id <= 500; id++) {
      const arg = [{ id, type: 'pane.output', time: 1_763_700_000_000 + id, pane: '%1', data: JSON.stringify({ text: `line ${id}` }) }];
      const reply = await channel.call({ id, op: 'on-event', arg });
      expect(reply?.id).toBe(id);
      expect(valueOf(reply)).toEqual({ op: 'on-event', arg });
    }
    channel.close();
  });

  it('sends messages too large for the shared area over its port, both ways, unchanged', async () => {
    const channel = open('echo');
    const big = 'x'.repeat(INLINE_BYTES + 10);
    // Fewer UTF-16 units than the area has bytes, but more bytes once encoded as UTF-8.
    const wide = 'ü€'.repeat(Math.ceil(INLINE_BYTES / 3));
    const small = 'fits';
    for (const [id, text] of [[1, big], [2, small], [3, wide], [4, small]] as const) {
      expect(valueOf(await channel.call({ id, op: 'call-tool', arg: { name: 't', args: text } }))).toEqual({ op: 'call-tool', arg: { name: 't', args: text } });
    }
    channel.close();
  });

  it('releases a call waiting on a worker that will not answer when the channel is closed', async () => {
    const channel = open('hang-after-first');
    expect(valueOf(await channel.call({ id: 1, op: 'gather-context', arg: {} }))).toEqual({ op: 'gather-context', arg: {} });
    const pending = channel.call({ id: 2, op: 'gather-context', arg: {} });
    const settled = await Promise.race([pending.then(() => 'settled'), new Promise((r) => setTimeout(() => r('waiting'), 100))]);
    expect(settled).toBe('waiting');
    channel.close();
    expect(await pending).toBeUndefined();
    expect(await channel.call({ id: 3, op: 'gather-context', arg: {} })).toBeUndefined();
  });
});
