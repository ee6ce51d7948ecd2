import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { PicodeError } from '../../core/errors.js';

/**
 * `picode layout convert FILE --to kdl|picode [-o OUT]`: reads any layout picode can launch
 * (picode YAML/JSON, tmuxp, tmuxinator, Zellij KDL) and writes it as a Zellij KDL layout or
 * as picode YAML. Added to `picode layout` by its module (host/cli/commands/layout.ts).
 */
interface ConvertOptions {
  readonly to: 'kdl' | 'picode' | 'tmuxp';
  readonly output?: string;
  readonly force?: boolean;
}

export function defineConvert(layoutCommand: Command): void {
  layoutCommand
    .command('convert')
    .description('convert a layout (picode, tmuxp, tmuxinator or Zellij KDL) to Zellij KDL, picode YAML or tmuxp YAML')
    .argument('<file>', 'the layout to convert (a path, or a layout name)')
    .addOption(new Option('--to <format>', 'the format to write: kdl (a Zellij layout), picode (picode YAML) or tmuxp (a tmuxp workspace)')
      .choices(['kdl', 'picode', 'tmuxp']).makeOptionMandatory())
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .option('-f, --force', 'overwrite the output file if it exists')
    .addHelpText('after', [
      '',
      'Examples:',
      '  picode layout convert layouts/dev.yaml --to kdl -o dev.kdl     then: zellij --layout dev.kdl',
      '  picode layout convert ~/.config/zellij/layouts/work.kdl --to picode -o work.yaml',
      '',
      'Anything the target format cannot express is listed on standard error (and, for',
      'picode YAML, as comments at the top of the file). See docs/zellij.md.',
    ].join('\n'))
    .action(async (file: string, options: ConvertOptions) => {
      await convert(file, options);
    });
}

async function convert(file: string, options: ConvertOptions): Promise<void> {
  const cwd = process.cwd();
  const output = checkOutput(options.output, options.force);
  const [{ loadLayout }, { convertLayout }] = await Promise.all([import('../../layout/load.js'), import('../../layout/convert.js')]);
  const spec = await loadLayout(file, { cwd, env: process.env });
  const { text, dropped } = await convertLayout(spec, options.to);
  for (const note of dropped) process.stderr.write(`picode: warning: ${note}\n`);
  writeLayoutText(text, output, options.to);
}

const FORMAT_NAMES = { kdl: 'Zellij KDL', picode: 'picode YAML', tmuxp: 'tmuxp YAML' } as const;

/** The absolute output path (undefined: standard output), refusing to overwrite without --force. */
export function checkOutput(output: string | undefined, force: boolean | undefined): string | undefined {
  if (output === undefined) return undefined;
  const path = resolve(process.cwd(), output);
  if (existsSync(path) && !force) {
    throw new PicodeError(`${path} already exists`, { hint: 'pass --force to overwrite it, or choose another --output' });
  }
  if (!existsSync(dirname(path))) {
    throw new PicodeError(`cannot write ${path}: the directory ${dirname(path)} does not exist`, { hint: 'create it first, or choose another --output' });
  }
  return path;
}

/** Writes a layout to `output` (write then rename: an interrupted run leaves no half layout), or to stdout. */
export function writeLayoutText(text: string, output: string | undefined, format: keyof typeof FORMAT_NAMES): void {
  if (output === undefined) {
    process.stdout.write(text);
    return;
  }
  const temporary = `${output}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, output);
  process.stderr.write(`picode: wrote ${output} (${FORMAT_NAMES[format]})\n`);
}
