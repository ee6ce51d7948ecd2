import type { PluginEntryConfig, PluginPermission, PluginsConfig } from '../../config/sections/plugins.js';
import type { Database } from '../../store/db.js';
import { effectiveGrants } from './grants.js';
import type { PluginManifest } from '../manifest.js';
import { readGrantOverrides, readPluginStates } from './state.js';
import { defaultLimits } from './supervisor.js';

/**
 * What the user decided about each plugin: the `plugins` config section (replaced on reload)
 * with what `picode plugin enable|disable|grant|revoke` stored on top of it.
 */
export class PluginSettings {
  constructor(private readonly db: Database | undefined, public config: PluginsConfig | undefined) {}

  entryOf(name: string): PluginEntryConfig | undefined {
    return this.config?.entries?.[name];
  }

  /** The stored enable/disable wins over the config's `enabled`; default on. */
  isEnabled(manifest: PluginManifest): boolean {
    const stored = this.db ? readPluginStates(this.db).get(manifest.name)?.enabled : undefined;
    return stored ?? this.entryOf(manifest.name)?.enabled ?? true;
  }

  grantsOf(manifest: PluginManifest): Set<PluginPermission> {
    const overrides = this.db ? readGrantOverrides(this.db, manifest.name) : new Map<string, boolean>();
    return effectiveGrants(manifest.name, this.entryOf(manifest.name), overrides, manifest.shipped);
  }

  /** A limit: the plugin's entry, else the section's defaults, else the built-in default. */
  limit<K extends keyof typeof defaultLimits>(entry: PluginEntryConfig | undefined, key: K): number {
    const fromEntry = (entry as Record<string, unknown> | undefined)?.[key];
    const fromDefaults = (this.config?.defaults as Record<string, unknown> | undefined)?.[key];
    return typeof fromEntry === 'number' ? fromEntry : typeof fromDefaults === 'number' ? fromDefaults : defaultLimits[key];
  }

  /**
   * Takes a new `plugins` section; returns a test of which plugins it changes (their entry,
   * or every plugin when the defaults changed).
   */
  replace(config: PluginsConfig | undefined): (name: string) => boolean {
    const before = this.config;
    this.config = config;
    const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    const defaultsChanged = !same(before?.defaults, config?.defaults);
    return (name) => defaultsChanged || !same(before?.entries?.[name], config?.entries?.[name]);
  }
}
