import type { PicodeEvent } from '../bus/envelope.js';
import type { HostClient } from '../ipc/client.js';
import { formatNotification } from '../daemon/notification.js';
import { line, wrap, type Line, type LineStyle } from './frame.js';

/** How many notifications the area keeps (fewer are shown in a short pane). */
const kept = 3;

/**
 * The notifications area of the agent and log views: the last few `notification` events
 * (what plugins and hooks asked to tell the person), pinned above the help line so a burst of
 * other output never scrolls them away. Its data is what `picode notifications` lists: the
 * host's `notification` events, the recent ones from `events.list`, new ones as they come.
 */
export class NotificationsArea {
  private readonly recent: PicodeEvent[] = [];

  /** Loads the recent ones (on each connection; those already shown are kept, not repeated). */
  async load(client: HostClient): Promise<void> {
    const recent = await client.call<PicodeEvent[]>('events.list', { types: ['notification'], limit: kept, last: true }).catch(() => []);
    for (const event of recent) this.add(event);
  }

  /** Takes an event the view received; only notifications are kept. */
  add(event: PicodeEvent): boolean {
    if (event.type !== 'notification' || this.recent.some((e) => e.id === event.id)) return false;
    this.recent.push(event);
    this.recent.sort((a, b) => a.id - b.id);
    if (this.recent.length > kept) this.recent.splice(0, this.recent.length - kept);
    return true;
  }

  /**
   * The area's lines for a pane of this size (none until there is a notification): a rule,
   * then the newest notifications wrapped to the width, in at most a third of the body's rows.
   */
  lines(size: { width: number; bodyHeight: number }): Line[] {
    if (this.recent.length === 0 || size.bodyHeight < 3) return [];
    const budget = Math.max(1, Math.floor(size.bodyHeight / 3));
    const width = Math.max(10, size.width);
    const blocks: Line[][] = [];
    let used = 0;
    for (const event of [...this.recent].reverse()) {
      const text = wrap(notificationLine(event), width);
      const room = budget - used;
      if (room <= 0) break;
      // The newest one is shown even when it does not fit whole; older ones only whole.
      if (text.length > room && blocks.length > 0) break;
      const shown = text.length > room ? [...text.slice(0, room - 1), clipped(text.slice(room - 1).join(' '), width)] : text;
      blocks.unshift(shown.map((t) => line(t, styleOf(event))));
      used += shown.length;
    }
    const rule = ' notifications ';
    return [line(`──${rule}${'─'.repeat(Math.max(0, width - rule.length - 2))}`, 'dim'), ...blocks.flat()];
  }
}

/** One notification as `picode notifications` prints it: `HH:MM:SS [level] source: title — message`. */
export function notificationLine(event: PicodeEvent): string {
  const time = new Date(event.time).toISOString().slice(11, 19);
  return `${time} ${formatNotification(event.data as Record<string, string>).replace(/^picode: /, '')}`;
}

/** The start of a text that does not fit, filling the width, with an ellipsis. */
function clipped(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

function styleOf(event: PicodeEvent): LineStyle {
  const level = (event.data as { level?: unknown } | null)?.level;
  return level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'accent';
}
