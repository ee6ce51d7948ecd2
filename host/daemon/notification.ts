/**
 * How a `notification` event reads in one line (the tmux message, the status line and
 * `picode notifications`).
 */
/** One line for a notification: `picode: [warn] plugin:x: title — message`. */
export function formatNotification(data: { level?: string; title?: string; message?: string; source?: string }): string {
  const level = data.level && data.level !== 'info' ? `[${data.level}] ` : '';
  const source = data.source ? `${data.source}: ` : '';
  const title = data.title ?? '';
  const message = data.message && data.message !== title ? `${title ? ' — ' : ''}${data.message}` : '';
  return `picode: ${level}${source}${title}${message}`.replace(/\s+/g, ' ').slice(0, 300);
}
