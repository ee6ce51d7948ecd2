import type { PicodeEvent } from '../../bus/envelope.js';
import type { HostClient } from '../../ipc/client.js';
import { line, type FrameContent, type Line, type LineStyle } from '../frame.js';
import { linkLabel, scrollKeys, type KeyBinding, type View } from '../view.js';
import { NotificationsArea } from '../notifications.js';

const keep = 2000;

/**
 * The log pane: the host's events (hook runs included) as they happen, newest at the
 * bottom. `/` filters by text (type, pane or payload); pane output is hidden unless `o`
 * shows it, because it drowns everything else. The last notifications stay pinned under the
 * events, whatever comes after them. After a reconnection the host replays what
 * was missed (`events.follow` from the last id seen).
 */
export class LogView implements View {
  readonly name = 'log';
  private readonly events: PicodeEvent[] = [];
  private lastId = 0;
  private filter = '';
  private showOutput = false;
  private readonly scroll = { value: 0 };
  readonly notifications = new NotificationsArea();

  constructor(private readonly session: string) {}

  title(): string {
    return 'picode log';
  }

  async subscribe(client: HostClient, redraw: () => void): Promise<void> {
    client.onNotification('event', (params) => {
      this.add(params as PicodeEvent);
      redraw();
    });
    if (this.lastId === 0) {
      // Notifications older than the events loaded stay in the area.
      await this.notifications.load(client);
      for (const event of await client.call<PicodeEvent[]>('events.list', { last: true, limit: 300 })) this.add(event);
    }
    // Resolves only when the connection ends; the notifications carry the events.
    void client.call('events.follow', { afterId: this.lastId }).catch(() => {});
  }

  add(event: PicodeEvent): void {
    if (event.id <= this.lastId) return;
    this.lastId = event.id;
    this.notifications.add(event);
    this.events.push(event);
    if (this.events.length > keep) this.events.splice(0, this.events.length - keep);
  }

  visible(): PicodeEvent[] {
    const needle = this.filter.toLowerCase();
    return this.events.filter((e) => {
      if (!this.showOutput && e.type === 'pane.output') return false;
      if (!needle) return true;
      return `${e.type} ${e.paneName ?? ''} ${e.pane ?? ''} ${JSON.stringify(e.data)}`.toLowerCase().includes(needle);
    });
  }

  render(size: { width: number; bodyHeight: number }, link: Parameters<View['render']>[1]): FrameContent {
    const shown = this.visible();
    const header = ` picode log · ${this.session} · ${shown.length}/${this.events.length} events${this.filter ? ` · filter "${this.filter}"` : ''}${this.showOutput ? '' : ' · output hidden'}${linkLabel(link)}`;
    const body: Line[] = shown.map((e) => line(formatEvent(e, size.width), styleOf(e)));
    if (!body.length) body.push(line(this.events.length ? 'No events match the filter.' : 'No events yet.', 'dim'));
    const pinned = this.notifications.lines(size);
    return { header, body, stickToBottom: true, scroll: this.scroll.value, ...(pinned.length ? { pinned } : {}), footer: ' / filter · o show output · c clear filter · PgUp/PgDn scroll · G end · q quit' };
  }

  readonly keys: readonly KeyBinding[] = [
    {
      keys: ['/'],
      run: async (ctx) => {
        const text = await ctx.terminal.ask(' filter: ', this.filter);
        if (text !== undefined) this.filter = text.trim();
        this.scroll.value = 0;
      },
    },
    { keys: ['c'], run: () => { this.filter = ''; } },
    { keys: ['o'], run: () => { this.showOutput = !this.showOutput; } },
    ...scrollKeys(this.scroll),
  ];
}

function formatEvent(e: PicodeEvent, width: number): string {
  const time = new Date(e.time).toISOString().slice(11, 19);
  const pane = e.paneName ?? e.pane ?? '';
  let data: string;
  try { data = JSON.stringify(e.data) ?? ''; } catch { data = ''; }
  return `${time} ${e.type.padEnd(20)} ${pane.padEnd(8)} ${data.slice(0, Math.max(0, width * 2))}`;
}

function styleOf(e: PicodeEvent): LineStyle {
  if (/failed|error|denied|dropped/.test(e.type)) return 'error';
  const data = e.data as { outcome?: string; exitCode?: number } | null;
  if (data && typeof data === 'object') {
    if (data.outcome && data.outcome !== 'ok') return 'warn';
    if (typeof data.exitCode === 'number' && data.exitCode !== 0) return 'warn';
  }
  if (e.type.startsWith('agent.') || e.type.startsWith('plan.') || e.type.startsWith('job.')) return 'accent';
  if (e.type === 'pane.output') return 'dim';
  return 'normal';
}
