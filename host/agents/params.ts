import { PicodeError } from '../core/errors.js';

/**
 * Small readers for IPC parameters. The CLI validates what a person typed; these guard the
 * socket against other clients (scripts, plugins' hosts) sending the wrong shape, with a
 * message that names the method and the field.
 */
export function objectParams(method: string, params: unknown): Record<string, unknown> {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) throw new PicodeError(`${method}: params must be an object`);
  return params as Record<string, unknown>;
}

export function str(method: string, p: Record<string, unknown>, key: string): string;
export function str(method: string, p: Record<string, unknown>, key: string, optional: true): string | undefined;
export function str(method: string, p: Record<string, unknown>, key: string, optional = false): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) {
    if (optional) return undefined;
    throw new PicodeError(`${method}: "${key}" is required`);
  }
  if (typeof v !== 'string' || (!optional && v.trim() === '')) throw new PicodeError(`${method}: "${key}" must be a non-empty string`);
  return v;
}

export function int(method: string, p: Record<string, unknown>, key: string): number;
export function int(method: string, p: Record<string, unknown>, key: string, optional: true): number | undefined;
export function int(method: string, p: Record<string, unknown>, key: string, optional = false): number | undefined {
  const v = p[key];
  if (v === undefined || v === null) {
    if (optional) return undefined;
    throw new PicodeError(`${method}: "${key}" is required`);
  }
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new PicodeError(`${method}: "${key}" must be an integer`);
  return n;
}

export function oneOf<T extends string>(method: string, p: Record<string, unknown>, key: string, values: readonly T[]): T {
  const v = p[key];
  if (typeof v !== 'string' || !values.includes(v as T)) {
    throw new PicodeError(`${method}: "${key}" must be one of ${values.join(', ')}`);
  }
  return v as T;
}
