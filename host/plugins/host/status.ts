import type { PluginsConfig } from '../../config/sections/plugins.js';
import type { Database } from '../../store/db.js';
import { effectiveGrants } from './grants.js';
import { discoverPlugins } from '../manifest.js';
import type { PluginState, PluginStatus } from './runtime.js';
import { emptyStats, readGrantOverrides, readPluginStates, readPluginStats } from './state.js';

/**
 * Plugin status without a host: what is installed (discovery), what the user decided
 * (enabled, grants) and what the hosts recorded (last status, cumulative statistics).
 * `picode plugin list` shows this when no host answers.
 */
export function storedPluginStatus(db: Database | undefined, config: PluginsConfig | undefined, cwd: string): PluginStatus[] {
  const { plugins } = discoverPlugins({ dirs: config?.dirs, cwd });
  const states = db ? readPluginStates(db) : new Map();
  const stats = db ? readPluginStats(db) : new Map();
  return plugins.map((m) => {
    const state = states.get(m.name);
    const entry = config?.entries?.[m.name];
    const enabled = state?.enabled ?? entry?.enabled ?? true;
    const grants = effectiveGrants(m.name, entry, db ? readGrantOverrides(db, m.name) : new Map(), m.shipped);
    const missing = m.permissions.filter((p) => !grants.has(p));
    let shown: PluginState;
    let detail: string | undefined = state?.statusDetail;
    if (!enabled) {
      shown = 'disabled';
      detail = undefined;
    } else if (missing.length > 0) {
      shown = 'refused';
      detail = `needs ${missing.join(', ')}: picode plugin grant ${m.name} ${missing.join(' ')}`;
    } else {
      // The last status a host recorded. This view is used when no host answers, so a plugin
      // a host was running (and that host died without saying so) is shown as stopped.
      const last = state?.status;
      shown = last === 'failed' || last === 'not-built' ? last : 'stopped';
      if (shown === 'stopped') detail = last === 'running' || last === 'restarting' ? 'no host is running it' : undefined;
    }
    return {
      name: m.name,
      version: m.version,
      dir: m.dir,
      shipped: m.shipped,
      state: shown,
      detail,
      statusLine: state?.statusLine,
      permissions: m.permissions,
      granted: [...grants].sort(),
      events: [], gates: [], tools: [], contextProviders: [],
      queued: 0,
      stats: stats.get(m.name) ?? emptyStats(),
    };
  });
}
