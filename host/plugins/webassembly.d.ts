/**
 * The few WebAssembly JS API declarations the plugin runtime uses. tsconfig's lib is ES2023
 * without DOM, and @types/node 20 does not declare the WebAssembly namespace.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: BufferSource);
    static imports(module: Module): Array<{ module: string; name: string; kind: string }>;
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class RuntimeError extends Error {}
  class CompileError extends Error {}
  function compile(bytes: BufferSource): Promise<Module>;
  type BufferSource = ArrayBufferView | ArrayBuffer;
}
