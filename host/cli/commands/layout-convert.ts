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
  readonly to: 'kdl' | 'picode';
  readonly output?: string;
  readonly force?: boolean;
}

export function defineConvert(layoutCommand: Command): void {
  layoutCommand
    .command('convert')
    .description('convert a layout (picode, tmuxp, tmuxinator or Zellij KDL) to Zellij KDL or picode YAML')
    .argument('<file>', 'the layout to convert (a path, or a layout name)')
    .addOption(new Option('--to <format>', 'the format to write: kdl (a Zellij layout) or picode (picode YAML)')
      .choices(['kdl', 'picode']).makeOptionMandatory())
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
  const output = options.output === undefined ? undefined : resolve(cwd, options.output);
  if (output !== undefined && existsSync(output) && !options.force) {
    throw new PicodeError(`${output} already exists`, { hint: 'pass --force to overwrite it, or choose another --output' });
  }
  const [{ loadLayout }, { convertLayout }] = await Promise.all([import('../../layout/load.js'), import('../../layout/convert.js')]);
  const spec = await loadLayout(file, { cwd, env: process.env });
  const { text, dropped } = await convertLayout(spec, options.to);
  for (const note of dropped) process.stderr.write(`picode: warning: ${note}\n`);
  if (output === undefined) {
    process.stdout.write(text);
    return;
  }
  if (!existsSync(dirname(output))) {
    throw new PicodeError(`cannot write ${output}: the directory ${dirname(output)} does not exist`, { hint: 'create it first, or choose another --output' });
  }
  // Write then rename, so an interrupted run never leaves half a layout behind.
  const temporary = `${output}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, output);
  process.stderr.write(`picode: wrote ${output} (${options.to === 'kdl' ? 'Zellij KDL' : 'picode YAML'})\n`);
}
