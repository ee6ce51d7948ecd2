/**
 * Plain YAML scalars read the way Ruby's Psych reads them (YAML 1.1 rules, Psych 4's
 * ScalarScanner), for tmuxinator files: tmuxinator loads its projects with Psych and turns
 * values into text with Ruby's `to_s`, so a window named `222_333` is "222333", `4e5` stays
 * "4e5" (Psych's floats need a dot), `1.0` is "1.0", `010` is "8" and a 21-digit number keeps
 * every digit. The yaml package reads YAML 1.2, where each of these differs.
 *
 * The value returned is what the importer needs: booleans and nil as such, integers as
 * numbers while exact (else their decimal text), floats, dates and symbols as Ruby's `to_s`.
 */
const INTEGER = /^(?:[-+]?0b[0-1_,]+|[-+]?0[0-7_,]+|[-+]?(?:0|[1-9](?:[0-9]|,[0-9]|_[0-9])*)|[-+]?0x[0-9a-fA-F_,]+)$/;
const FLOAT = /^[-+]?([0-9][0-9_,]*)?\.[0-9]*([eE][-+][0-9]+)?$/;
const SEXAGESIMAL_INT = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}$/;
const SEXAGESIMAL_FLOAT = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}\.[0-9_]*$/;
const WORDY = /^[^\d.:-]?[\p{L}_\s!@#$%^&*(){}<>|/\\~;=]+/u;

export function psychScalar(text: string): string | number | boolean | null {
  if (text === '') return null;
  if (WORDY.test(text) || text.includes('\n')) {
    if (text.length > 5 || /^[^ytonf~]/i.test(text)) return text;
    if (text === '~' || /^null$/i.test(text)) return null;
    if (/^(yes|true|on)$/i.test(text)) return true;
    if (/^(no|false|off)$/i.test(text)) return false;
    return text;
  }
  if (/^\+?\.inf$/i.test(text)) return 'Infinity';
  if (/^-\.inf$/i.test(text)) return '-Infinity';
  if (/^\.nan$/i.test(text)) return 'NaN';
  // A Ruby symbol (`:name`); its to_s drops the colon.
  if (/^:./.test(text)) return text.replace(/^:(["'])(.*)\1$/, '$2').replace(/^:/, '');
  if (SEXAGESIMAL_INT.test(text)) return integer(sexagesimal(text));
  if (SEXAGESIMAL_FLOAT.test(text)) return rubyFloat(Number(sexagesimal(text.replace(/_/g, ''))));
  if (FLOAT.test(text)) {
    if (/^[-+]?\.$/.test(text)) return text;
    return rubyFloat(Number(text.replace(/[,_]/g, '').replace(/\.([Ee]|$)/, '$1')));
  }
  if (INTEGER.test(text)) return integer(parseInteger(text.replace(/[,_]/g, '')));
  return text;
}

/** Ruby's Integer(): 0b binary, 0x hex, a leading 0 octal, else decimal. */
function parseInteger(text: string): bigint {
  const sign = text.startsWith('-') ? -1n : 1n;
  const digits = text.replace(/^[-+]/, '');
  if (/^0b/i.test(digits)) return sign * BigInt(digits);
  if (/^0x/i.test(digits)) return sign * BigInt(digits);
  if (/^0[0-7]+$/.test(digits)) return sign * BigInt(`0o${digits.slice(1)}`);
  return sign * BigInt(digits);
}

/** Psych's reading: part e of the text counts 60^|e-2| (so `1:30` is 5400, `1:2:3` is 3723). */
function sexagesimal(text: string): string {
  const sign = text.startsWith('-') ? -1 : 1;
  const parts = text.replace(/^[-+]/, '').replace(/_/g, '').split(':');
  const value = parts.reduce((sum, part, e) => sum + Number(part) * 60 ** Math.abs(e - 2), 0);
  return String(sign * value);
}

function integer(value: bigint | string): number | string {
  const big = typeof value === 'bigint' ? value : BigInt(value);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
}

/** Ruby's Float#to_s: the shortest round-trip digits, fixed between 1e-4 and 1e15, always with a fraction. */
export function rubyFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  const [mantissa, exp] = value.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (exponent >= -4 && e <= 14 && e >= -4) {
    const fixed = String(value);
    if (!/e/.test(fixed)) return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  const digits = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${digits}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}
