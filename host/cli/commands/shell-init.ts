import type { Command } from 'commander';
import { PicodeError } from '../../core/errors.js';
import { shellInitSnippet, supportedShells, type SupportedShell } from '../../mux/shellInit.js';

export function define(program: Command): void {
  program
    .command('shell-init')
    .description('print the shell snippet that marks command boundaries (OSC 133)')
    .argument('<shell>', `the shell: ${supportedShells.join(', ')}`)
    .addHelpText('after', `
With the marks, the host reports command.started / command.finished (command line, exit code,
duration, output) for every command typed in the pane, and \`picode run\` needs no sentinel.
Add one line to your rc file:
  bash (~/.bashrc):              eval "$(picode shell-init bash)"
  zsh  (~/.zshrc):               eval "$(picode shell-init zsh)"
  fish (~/.config/fish/config.fish): picode shell-init fish | source
Layouts can enable it per pane instead (\`shellInit: true\`).`)
    .action((shell: string) => {
      if (!(supportedShells as readonly string[]).includes(shell)) {
        throw new PicodeError(`picode has no shell integration for "${shell}"`, { hint: `use one of: ${supportedShells.join(', ')}` });
      }
      process.stdout.write(shellInitSnippet(shell as SupportedShell));
    });
}
