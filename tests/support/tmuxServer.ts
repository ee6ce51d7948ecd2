import { spawnSync } from 'node:child_process';

/**
 * Stops a test's private tmux server (`tmux -L SOCKET`) for good. `kill-server` alone once
 * left a wedged server running: it dropped each client with "server exited unexpectedly"
 * and kept its session and a host's control client. Test sockets are named uniquely
 * (`picode-test-<random>` and the like), so killing every process that names the socket
 * touches no other tmux server.
 */
export function killTmuxServer(socket: string, env: NodeJS.ProcessEnv = process.env): void {
  spawnSync('tmux', ['-L', socket, 'kill-server'], { env, stdio: 'ignore', timeout: 5000 });
  spawnSync('pkill', ['-KILL', '-f', `tmux -L ${socket}( |$)`], { stdio: 'ignore' });
}
