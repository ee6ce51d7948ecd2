import { PicodeError } from '../core/errors.js';

/** The parameters of an mcp.* IPC method, which are always an object. */
export function objectParams(params: unknown, method: string): Record<string, unknown> {
  if (!params || typeof params !== 'object' || Array.isArray(params)) throw new PicodeError(`${method} needs an object of parameters`);
  return params as Record<string, unknown>;
}
