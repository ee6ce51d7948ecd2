import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolBox } from './tools.js';
import { eventually } from '../cli/helpers.js';

/** tmuxp's `enter: false` and `sleep_before`/`sleep_after`, on a real tmux server. */
const box = toolBox();
afterAll(() => box.cleanup());

describe('typed commands of tmuxp files', () => {
  it('leaves a command with enter: false on the prompt, and types paced commands after their pauses', async () => {
    const file = join(box.dir, 'typed.yaml');
    writeFileSync(file, [
      'session_name: typed',
      'windows:',
      '  - window_name: w',
      '    panes:',
      '      - shell_command:',
      '          - cmd: echo ran-$((1+1))',
      '          - cmd: echo left-$((2+2))',
      '            enter: false',
      '      - shell_command:',
      '          - cmd: echo slept-$((3+3))',
      '            sleep_before: 0.3',
      '            sleep_after: 0.2',
      '          - echo after-$((4+4))',
    ].join('\n'));
    const socket = await box.picode(file, { width: 80, height: 24 });
    const capture = (pane: number): string => box.tmux(socket, ['capture-pane', '-p', '-t', `=typed:w.${pane}`]);
    await eventually(() => expect(capture(0)).toMatch(/^ran-2$/m), 20_000);
    await eventually(() => expect(capture(0)).toMatch(/echo left-\$\(\(2\+2\)\)\s*$/), 20_000);
    expect(capture(0)).not.toMatch(/^left-4$/m);
    await eventually(() => expect(capture(1)).toMatch(/^slept-6$[\s\S]*^after-8$/m), 20_000);
  });
});
