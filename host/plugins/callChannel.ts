import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { CallChannelInit, CallReply, CallRequest } from './protocol.js';

/**
 * Carries calls from a plugin's supervisor (host thread) to its worker and the replies back:
 * one request in flight, in a SharedArrayBuffer, woken with `Atomics` rather than
 * `postMessage`, which wakes the receiver's event loop on every hop (costs: docs/benchmarks.md,
 * "plugins"). The worker blocks in `Atomics.wait`; the host, which must never block, uses
 * `Atomics.waitAsync`. A message too large for the shared area goes on a MessagePort and is
 * taken with `receiveMessageOnPort`, which needs no event loop. Messages: protocol.ts.
 */

// Layout: a header of Int32 slots, then a byte area holding one JSON message at a time.
const REQUEST_SEQ = 0;
const REPLY_SEQ = 1;
const REQUEST_LENGTH = 2;
const REPLY_LENGTH = 3;
const HEADER_BYTES = 64;
/** Bytes for one inline message; a batch of events larger than this goes over the port. */
export const INLINE_BYTES = 256 * 1024;
const ON_PORT = -1;
/** A reply sequence number no request ever has: written by `close` to release a waiting host. */
const CLOSED = -1;

/**
 * How long the worker spins before sleeping once it has replied: a request that comes
 * meanwhile (the next batch of a busy pane) is picked up without waking a sleeping thread.
 */
const WORKER_SPIN_MS = 0.05;

/**
 * How long the host may spin for a reply before waiting asynchronously, only for a plugin
 * most of whose recent calls were that fast (a moving average, ADAPTIVE_WEIGHT, so one slow
 * call does not stop it). The spin starts after the current task, so an event sent to
 * several plugins reaches all of them first.
 */
const HOST_SPIN_MS = 0.1;
const ADAPTIVE_WEIGHT = 0.1;

const encoder = new TextEncoder();

/** Writes `message` into the area, or posts it on the port when it does not fit. Returns the length slot's value. */
function put(message: unknown, bytes: Uint8Array, port: MessagePort): number {
  const text = JSON.stringify(message);
  // Longer than the area in UTF-16 units: it cannot fit. Shorter: it fits unless multi-byte
  // characters push it over, which encodeInto reports by not reading all of it.
  if (text.length <= bytes.length) {
    const { read, written } = encoder.encodeInto(text, bytes);
    if (read === text.length) return written;
  }
  port.postMessage(text);
  return ON_PORT;
}

function take(length: number, bytes: Buffer, port: MessagePort): unknown {
  // Buffer decodes shared memory in place; TextDecoder would need a copy first.
  if (length !== ON_PORT) return JSON.parse(bytes.toString('utf8', 0, length));
  const received = receiveMessageOnPort(port);
  if (!received) throw new Error('call channel: a message announced on the port was not there');
  return JSON.parse(received.message as string);
}

/** The supervisor's end. One instance per worker: a respawned worker gets a new channel. */
export class HostCallChannel {
  private readonly slots: Int32Array;
  private readonly bytes: Buffer;
  private sequence = 0;
  private closed = false;
  /** Moving average of 1 (the reply came within HOST_SPIN_MS) and 0 (it did not). */
  private fastShare = 1;

  private constructor(buffer: SharedArrayBuffer, private readonly hostPort: MessagePort) {
    this.slots = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.bytes = Buffer.from(buffer, HEADER_BYTES);
  }

  static create(): { host: HostCallChannel; init: CallChannelInit } {
    const { port1, port2 } = new MessageChannel();
    const init: CallChannelInit = { buffer: new SharedArrayBuffer(HEADER_BYTES + INLINE_BYTES), port: port2 };
    return { host: new HostCallChannel(init.buffer, port1), init };
  }

  /**
   * Sends a request and resolves with its reply, or with `undefined` when the channel was
   * closed first (the worker was terminated: the supervisor has already failed the call).
   */
  call(request: CallRequest): Promise<CallReply | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const sequence = ++this.sequence;
    Atomics.store(this.slots, REQUEST_LENGTH, put(request, this.bytes, this.hostPort));
    Atomics.store(this.slots, REQUEST_SEQ, sequence);
    Atomics.notify(this.slots, REQUEST_SEQ);
    return this.awaitReply(sequence);
  }

  private async awaitReply(sequence: number): Promise<CallReply | undefined> {
    const sent = performance.now();
    // Let the rest of the current task (the same event sent to other plugins) run first.
    await undefined;
    if (this.fastShare > 0.5) {
      const spinUntil = performance.now() + HOST_SPIN_MS;
      while (Atomics.load(this.slots, REPLY_SEQ) !== sequence && performance.now() < spinUntil) { /* spin */ }
    }
    const reply = await this.waitForReply(sequence);
    const fast = performance.now() - sent <= HOST_SPIN_MS ? 1 : 0;
    this.fastShare += (fast - this.fastShare) * ADAPTIVE_WEIGHT;
    return reply;
  }

  private async waitForReply(sequence: number): Promise<CallReply | undefined> {
    for (;;) {
      const seen = Atomics.load(this.slots, REPLY_SEQ);
      if (this.closed || seen === CLOSED) return undefined;
      if (seen === sequence) return take(Atomics.load(this.slots, REPLY_LENGTH), this.bytes, this.hostPort) as CallReply;
      // The value may change between the load and the wait: waitAsync then returns at once.
      const waiting = Atomics.waitAsync(this.slots, REPLY_SEQ, seen);
      if (waiting.async) await waiting.value;
    }
  }

  /** Releases a pending `call` (it resolves with undefined); the channel takes no more calls. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.slots, REPLY_SEQ, CLOSED);
    Atomics.notify(this.slots, REPLY_SEQ);
    this.hostPort.close();
  }
}

/** The worker's end. */
export class WorkerCallChannel {
  private readonly slots: Int32Array;
  private readonly bytes: Buffer;
  private served = 0;

  constructor(private readonly init: CallChannelInit) {
    this.slots = new Int32Array(init.buffer, 0, HEADER_BYTES / 4);
    this.bytes = Buffer.from(init.buffer, HEADER_BYTES);
  }

  /** Blocks until the next request arrives. Never returns while the host sends nothing. */
  next(): CallRequest {
    const spinUntil = performance.now() + WORKER_SPIN_MS;
    while (Atomics.load(this.slots, REQUEST_SEQ) === this.served) {
      if (performance.now() < spinUntil) continue;
      Atomics.wait(this.slots, REQUEST_SEQ, this.served);
    }
    this.served = Atomics.load(this.slots, REQUEST_SEQ);
    return take(Atomics.load(this.slots, REQUEST_LENGTH), this.bytes, this.init.port) as CallRequest;
  }

  reply(reply: CallReply): void {
    let length: number;
    try {
      length = put(reply, this.bytes, this.init.port);
    } catch (error) {
      // A result JSON cannot carry (should not happen with WIT types): report it, never hang the host.
      const failed: CallReply = { id: reply.id, ok: false, error: `result could not be sent: ${(error as Error).message}`, kind: 'crash' };
      length = put(failed, this.bytes, this.init.port);
    }
    Atomics.store(this.slots, REPLY_LENGTH, length);
    Atomics.store(this.slots, REPLY_SEQ, this.served);
    Atomics.notify(this.slots, REPLY_SEQ);
  }
}
