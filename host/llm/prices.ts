import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelPrice, PriceTable } from '../../src/providers/cost.js';
import { PicodeError } from '../core/errors.js';
import { shippedConfigDir, userConfigDir } from '../core/paths.js';

/** The shipped price table (config/prices.json), with the user's ~/.config/picode/prices.json over it. */
export function loadPrices(env: NodeJS.ProcessEnv = process.env): PriceTable {
  const shipped = readPriceFile(join(shippedConfigDir(), 'prices.json'));
  const userFile = join(userConfigDir(env), 'prices.json');
  return existsSync(userFile) ? { ...shipped, ...readPriceFile(userFile) } : shipped;
}

function readPriceFile(file: string): Record<string, ModelPrice> {
  if (!existsSync(file)) return {};
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PicodeError(`${file}: not valid JSON: ${(error as Error).message}`, { hint: 'fix the syntax of the price table' });
  }
  const prices = (data as { prices?: unknown }).prices;
  if (typeof prices !== 'object' || prices === null) {
    throw new PicodeError(`${file}: expected an object with a "prices" key`, {
      hint: 'shape: { "prices": { "provider:model": { "input": 3, "output": 15 } } } (USD per million tokens)',
    });
  }
  const out: Record<string, ModelPrice> = {};
  for (const [model, p] of Object.entries(prices as Record<string, unknown>)) {
    const price = p as Partial<ModelPrice>;
    if (typeof price.input !== 'number' || typeof price.output !== 'number') {
      throw new PicodeError(`${file}: prices."${model}" needs numeric "input" and "output" (USD per million tokens)`);
    }
    out[model] = price as ModelPrice;
  }
  return out;
}
