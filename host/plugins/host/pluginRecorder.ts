import type { BusApi, HostLogger } from '../../api/hostApi.js';
import type { Database } from '../../store/db.js';
import type { LogLevel } from './capabilities.js';
import { addPluginStats, appendPluginLogs, emptyStats, writePluginStatusLine, type PluginLogRow, type PluginStats } from './state.js';

/** What the recorder reads and resets of a loaded plugin. */
export interface RecordedPlugin {
  readonly manifest: { readonly name: string };
  readonly supervisor: { takeStats(): PluginStats };
  statusLine: string | undefined;
  statusLineDirty: boolean;
  totals: PluginStats;
  pending: PluginStats;
}

/**
 * A plugin runtime's logs, notifications and counters: log lines are buffered and counters
 * accumulated in memory, and written to the store by `flush` (every second, and at stop), so a
 * chatty plugin never costs a SQLite write per event.
 */
export class PluginRecorder {
  private readonly logBuffer: Array<Omit<PluginLogRow, 'id'>> = [];

  constructor(private readonly env: {
    readonly session: string;
    readonly db: Database | undefined;
    readonly bus: BusApi | undefined;
    readonly log: HostLogger;
    readonly onPluginLog?: ((plugin: string, level: LogLevel, message: string) => void) | undefined;
  }) {}

  log(plugin: string, level: LogLevel, message: string): void {
    this.env.onPluginLog?.(plugin, level, message);
    if (this.env.db && this.logBuffer.length < 10_000) this.logBuffer.push({ plugin, session: this.env.session, time: Date.now(), level, message });
    this.env.log[level === 'error' ? 'warn' : 'debug'](`[${plugin}] ${message}`);
  }

  /** A plugin's `notify`: in its log, and a `notification` event on the bus. */
  notify(plugin: string, level: LogLevel, title: string, body: string): void {
    this.log(plugin, level === 'debug' ? 'info' : level, `notify: ${title}${body ? ` - ${body}` : ''}`);
    const mapped = level === 'warn' ? 'warning' : level === 'error' ? 'error' : 'info';
    this.env.bus?.emit({ type: 'notification', data: { level: mapped, title, message: body || title, source: `plugin:${plugin}` } });
  }

  /** Moves a plugin's new counters (and a changed status line) into its totals and the store. */
  absorb(loaded: RecordedPlugin): void {
    const { db, session } = this.env;
    const delta = loaded.supervisor.takeStats();
    for (const k of Object.keys(delta) as Array<keyof PluginStats>) {
      delta[k] += loaded.pending[k];
      loaded.totals[k] += delta[k];
    }
    loaded.pending = emptyStats();
    if (db && Object.values(delta).some((v) => v !== 0)) addPluginStats(db, loaded.manifest.name, session, delta);
    if (db && loaded.statusLineDirty && loaded.statusLine !== undefined) writePluginStatusLine(db, loaded.manifest.name, loaded.statusLine);
    loaded.statusLineDirty = false;
  }

  /** Writes the buffered log lines to the store. */
  flushLogs(): void {
    if (!this.env.db || this.logBuffer.length === 0) return;
    try {
      appendPluginLogs(this.env.db, this.logBuffer.splice(0));
    } catch (error) {
      this.env.log.warn(`cannot write plugin logs: ${(error as Error).message}`);
    }
  }
}
