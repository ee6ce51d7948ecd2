import { describe, expect, it } from 'vitest';
import { capModuleMemory } from '../../../host/plugins/build/memoryCap.js';

// A minimal core module: one memory (limits given) exported as "mem".
function moduleWithMemory(min: number, max?: number): Uint8Array {
  const limits = max === undefined ? [0x00, min] : [0x01, min, max];
  const memorySection = [0x01, ...limits];
  const exportSection = [0x01, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x05, memorySection.length, ...memorySection,
    0x07, exportSection.length, ...exportSection,
  ]);
}

function memoryOf(bytes: Uint8Array): WebAssembly.Memory {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  return instance.exports.mem as WebAssembly.Memory;
}

describe('capModuleMemory', () => {
  it('sets a maximum on a memory that had none: growing past it fails', () => {
    const uncapped = memoryOf(moduleWithMemory(1));
    expect(() => uncapped.grow(4)).not.toThrow();
    const { bytes, capped } = capModuleMemory(moduleWithMemory(1), 2 * 65536);
    expect(capped).toBe(1);
    const memory = memoryOf(bytes);
    expect(memory.grow(1)).toBe(1);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });

  it('lowers a larger maximum and keeps a smaller one', () => {
    const lowered = memoryOf(capModuleMemory(moduleWithMemory(1, 100), 3 * 65536).bytes);
    expect(() => lowered.grow(3)).toThrow(RangeError);
    const kept = capModuleMemory(moduleWithMemory(1, 2), 64 * 65536);
    expect(kept.capped).toBe(0);
    expect(() => memoryOf(kept.bytes).grow(2)).toThrow(RangeError);
  });

  it('never sets a maximum below the minimum the module needs to start', () => {
    const memory = memoryOf(capModuleMemory(moduleWithMemory(5), 2 * 65536).bytes);
    expect(memory.buffer.byteLength).toBe(5 * 65536);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });

  it('leaves modules without a memory section unchanged and refuses non-wasm bytes', () => {
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    expect(capModuleMemory(empty, 65536)).toEqual({ bytes: empty, capped: 0 });
    expect(() => capModuleMemory(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 65536)).toThrow(/magic/);
  });

  it('rewrites multi-byte LEB128 limits', () => {
    // min 200 pages needs two LEB128 bytes (0xc8 0x01).
    const bytes = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x05, 0x04, 0x01, 0x00, 0xc8, 0x01,
      0x07, 0x07, 0x01, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00,
    ]);
    const memory = memoryOf(capModuleMemory(bytes, 300 * 65536).bytes);
    expect(memory.grow(100)).toBe(200);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });
});
