import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpoolReader, epochAlive, listEpochs, spoolProbeScript, spoolWriterScript, type SpoolOptions } from '../../../host/mux/tmux/control/spool.js';
import { pathWithout } from '../../support/pathWithout.js';

/**
 * The spool writer (the shell loop tmux runs as a pane's pipe) and its reader, without tmux:
 * what goes into the writer comes out of the reader byte for byte, or is counted as dropped
 * at its exact place in the stream.
 */
describe('spool writer and reader', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

  function writer(root: string, options: SpoolOptions, base = 0, env: NodeJS.ProcessEnv = process.env): { write(b: Buffer): Promise<void>; end(): Promise<void> } {
    const child = spawn('/bin/sh', ['-c', spoolWriterScript(options), 'picode-spool', root, '%7', String(base)], { stdio: ['pipe', 'ignore', 'inherit'], env });
    child.stdin.on('error', () => undefined);
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    return {
      write: (b) => new Promise((resolve) => { if (child.stdin.write(b)) resolve(); else child.stdin.once('drain', () => resolve()); }),
      end: async () => { child.stdin.end(); await exited; },
    };
  }

  async function epochOf(root: string): Promise<ReturnType<typeof listEpochs>[number]> {
    for (let i = 0; i < 400; i++) {
      const [epoch] = listEpochs(root, '%7');
      if (epoch) return epoch;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the writer made no spool');
  }

  function read(epoch: ReturnType<typeof listEpochs>[number], from: number, options: SpoolOptions) {
    const parts: Array<{ offset: number; data?: Buffer; dropped?: number }> = [];
    let at = from;
    let ended!: () => void;
    const done = new Promise<void>((r) => { ended = r; });
    const reader = new SpoolReader(epoch, from, options, {
      data: (data) => { parts.push({ offset: at, data }); at += data.length; reader.acknowledge(at); },
      dropped: (bytes) => { parts.push({ offset: at, dropped: bytes }); at += bytes; reader.acknowledge(at); },
      ended: () => ended(),
    });
    return { reader, parts, done, end: () => at };
  }

  it('delivers every byte in order while the reader keeps up, and files are private', async () => {
    const root = mkdtempSync(join(tmpdir(), 'picode-spool-'));
    dirs.push(root);
    const options = { segmentBytes: 64 * 1024, maxSegments: 4 };
    const input = randomBytes(1024 * 1024 + 777);
    const w = writer(root, options, 1000);
    const epoch = await epochOf(root);
    expect(epoch.base).toBe(1000);
    expect(statSync(epoch.dir).mode & 0o777).toBe(0o700);
    expect(epochAlive(epoch)).toBe(true);
    const r = read(epoch, 1000, options);
    r.reader.start();
    for (let i = 0; i < input.length; i += 10_000) await w.write(input.subarray(i, i + 10_000));
    await w.end();
    await r.done;
    expect(r.parts.every((p) => p.dropped === undefined)).toBe(true);
    expect(Buffer.concat(r.parts.map((p) => p.data!)).equals(input)).toBe(true);
    expect(r.end()).toBe(1000 + input.length);
    expect(epochAlive(epoch)).toBe(false);
  });

  it('when nobody reads, keeps the newest segments within its bound and counts what it deleted, at its place', async () => {
    const root = mkdtempSync(join(tmpdir(), 'picode-spool-'));
    dirs.push(root);
    const options = { segmentBytes: 64 * 1024, maxSegments: 3 };
    const input = randomBytes(20 * 64 * 1024 + 5000);
    const w = writer(root, options);
    const epoch = await epochOf(root);
    for (let i = 0; i < input.length; i += 32_768) await w.write(input.subarray(i, i + 32_768));
    // The writer ran ahead with no reader: its segments stay within the bound.
    await w.end();
    const r = read(epoch, 0, options);
    r.reader.start();
    await r.done;
    let received = 0;
    let dropped = 0;
    for (const part of r.parts) {
      if (part.data) {
        // Each byte received is the byte printed at that offset.
        expect(part.data.equals(input.subarray(part.offset, part.offset + part.data.length))).toBe(true);
        received += part.data.length;
      } else {
        dropped += part.dropped!;
      }
    }
    expect(received + dropped).toBe(input.length);
    expect(dropped).toBeGreaterThan(0);
    // The end of the stream is never the part dropped.
    expect(r.parts.at(-1)!.data).toBeDefined();
    expect(received).toBeLessThanOrEqual(options.maxSegments * options.segmentBytes + 5000);
  });

  it('a reader that starts mid-spool (a restarted host) continues exactly at its offset', async () => {
    const root = mkdtempSync(join(tmpdir(), 'picode-spool-'));
    dirs.push(root);
    const options = { segmentBytes: 64 * 1024, maxSegments: 16 };
    const input = randomBytes(300_000);
    const w = writer(root, options, 50);
    const epoch = await epochOf(root);
    await w.write(input);
    await w.end();
    const r = read(epoch, 50 + 100_001, options);
    r.reader.start();
    await r.done;
    expect(Buffer.concat(r.parts.map((p) => p.data!)).equals(input.subarray(100_001))).toBe(true);
  });

  describe('without GNU stdbuf on the PATH', () => {
    let bin: { path: string; dispose(): void };
    const tmp = (): string => { const d = mkdtempSync(join(tmpdir(), 'picode-spool-')); dirs.push(d); return d; };
    afterEach(() => bin?.dispose());

    it('the writer stops at once and leaves why (the PATH it had), instead of ending as if the pipe closed', async () => {
      bin = pathWithout(['stdbuf']);
      const root = tmp();
      const w = writer(root, { segmentBytes: 64 * 1024, maxSegments: 4 }, 0, { PATH: bin.path });
      await w.write(Buffer.from('lost: no writer\n')).catch(() => undefined);
      await w.end();
      const [dir] = readdirSync(root);
      expect(dir).toMatch(/^%7-\d+$/);
      expect(readFileSync(join(root, dir!, 'failed'), 'utf8').trim()).toBe(bin.path);
      expect(existsSync(join(root, dir!, 'end'))).toBe(true);
      // Not a spool to follow: no base, no segment.
      expect(listEpochs(root, '%7')).toEqual([]);
      expect(readdirSync(join(root, dir!)).sort()).toEqual(['end', 'failed']);
    });

    it('the probe says what is missing, and says nothing where the tools work', () => {
      bin = pathWithout(['stdbuf']);
      const root = tmp();
      const file = join(root, 'probe');
      execFileSync('/bin/sh', ['-c', spoolProbeScript(file)], { env: { PATH: bin.path } });
      expect(readFileSync(file, 'utf8')).toContain('GNU coreutils stdbuf and head are needed');
      expect(readFileSync(file, 'utf8')).toContain(bin.path);
      execFileSync('/bin/sh', ['-c', spoolProbeScript(file)], { env: { PATH: process.env.PATH } });
      expect(readFileSync(file, 'utf8')).toBe('');
    });
  });
});
