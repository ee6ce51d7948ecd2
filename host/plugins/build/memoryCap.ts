/**
 * Caps the linear memories a core WebAssembly module defines by rewriting their limits in
 * the binary before it is compiled. Worker `resourceLimits` do not bound wasm memory (it
 * lives outside the V8 heap), so without this a plugin that keeps allocating grows until the
 * machine swaps; with a maximum, `memory.grow` fails inside the plugin and it traps.
 *
 * Only the memory section (defined memories) is rewritten. Imported memories keep their
 * declared limits: they are satisfied by a memory another module defines, which is capped.
 */

const PAGE = 65536;
const MEMORY_SECTION = 5;

export interface CappedModule {
  readonly bytes: Uint8Array;
  /** Number of defined memories whose maximum was set or lowered. */
  readonly capped: number;
}

export function capModuleMemory(bytes: Uint8Array, maxBytes: number): CappedModule {
  const maxPages = Math.max(1, Math.floor(maxBytes / PAGE));
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error('not a core WebAssembly module (bad magic)');
  }
  // Unchanged sections are kept as views of the input: a QuickJS module is large, and copying it
  // through number arrays made every load slow.
  const out: Uint8Array[] = [bytes.subarray(0, 8)];
  let capped = 0;
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos]!;
    const [size, sizeLen] = readU32(bytes, pos + 1);
    const start = pos + 1 + sizeLen;
    const end = start + size;
    if (end > bytes.length) throw new Error('truncated WebAssembly section');
    if (id !== MEMORY_SECTION) {
      out.push(bytes.subarray(pos, end));
    } else {
      const rewritten = rewriteMemorySection(bytes.subarray(start, end), maxPages);
      capped += rewritten.capped;
      out.push(Uint8Array.from([id, ...writeU32(rewritten.body.length), ...rewritten.body]));
    }
    pos = end;
  }
  const total = out.reduce((n, part) => n + part.length, 0);
  const result = new Uint8Array(total);
  let offset = 0;
  for (const part of out) {
    result.set(part, offset);
    offset += part.length;
  }
  return { bytes: result, capped };
}

function rewriteMemorySection(body: Uint8Array, maxPages: number): { body: number[]; capped: number } {
  const [count, countLen] = readU32(body, 0);
  let pos = countLen;
  const out: number[] = [...writeU32(count)];
  let capped = 0;
  for (let i = 0; i < count; i++) {
    const flags = body[pos++]!;
    if (flags & 0x04) throw new Error('memory64 is not supported by the memory cap');
    const shared = flags & 0x02;
    const [min, minLen] = readU32(body, pos);
    pos += minLen;
    let max: number | undefined;
    if (flags & 0x01) {
      const [value, maxLen] = readU32(body, pos);
      pos += maxLen;
      max = value;
    }
    // A module that needs more than the cap to start cannot run under it: keep its minimum
    // as the maximum so instantiation fails clearly rather than silently raising the cap.
    const newMax = Math.max(min, max === undefined ? maxPages : Math.min(max, maxPages));
    if (max === undefined || newMax < max) capped++;
    out.push(shared | 0x01, ...writeU32(min), ...writeU32(newMax));
  }
  return { body: out, capped };
}

function readU32(bytes: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  let length = 0;
  for (;;) {
    const byte = bytes[pos + length];
    if (byte === undefined) throw new Error('truncated LEB128 number');
    length++;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, length];
    shift += 7;
    if (shift > 35) throw new Error('LEB128 number too long');
  }
}

function writeU32(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export const wasmPageSize = PAGE;
