import { PicodeError } from '../../core/errors.js';
import { pluginPermissions, type PluginEntryConfig, type PluginPermission } from '../../config/sections/plugins.js';

/**
 * Permissions are WIT interfaces: a plugin may import `picode:plugin/<permission>` only when
 * the user granted <permission>. The check runs on the component's import list BEFORE it is
 * instantiated, so an ungranted plugin never runs a single instruction.
 */
const interfacePrefix = 'picode:plugin/';

/** The interface name jco reports for a permission (`picode:plugin/fs-read`). */
export function permissionInterface(permission: PluginPermission): string {
  return `${interfacePrefix}${permission}`;
}

/**
 * What the shipped plugins may do unless the user says otherwise: they are reviewed with
 * picode, and each is granted only what it needs (see docs/plugins.md).
 */
export const shippedGrants: Readonly<Record<string, readonly PluginPermission[]>> = {
  'pane-errors': ['log', 'panes-read'],
  'git-context': ['log', 'git'],
  'secrets-redactor': ['log'],
  'file-context': ['log', 'fs-read'],
};

export function effectiveGrants(
  plugin: string,
  entry: PluginEntryConfig | undefined,
  overrides: ReadonlyMap<string, boolean>,
  shipped: boolean,
): Set<PluginPermission> {
  const grants = new Set<PluginPermission>(shipped ? shippedGrants[plugin] ?? [] : []);
  for (const p of entry?.grants ?? []) grants.add(p);
  for (const [p, granted] of overrides) {
    if (!isPermission(p)) continue;
    if (granted) grants.add(p);
    else grants.delete(p);
  }
  return grants;
}

export function isPermission(value: string): value is PluginPermission {
  return (pluginPermissions as readonly string[]).includes(value);
}

/** Strips a version (`@0.1.0`) from an import name. */
function unversioned(name: string): string {
  const at = name.lastIndexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}

/** The permissions a component's imports need; throws for imports picode never provides. */
export function requiredPermissions(plugin: string, imports: readonly string[]): PluginPermission[] {
  const needed: PluginPermission[] = [];
  for (const raw of imports) {
    const name = unversioned(raw);
    const permission = name.startsWith(interfacePrefix) ? name.slice(interfacePrefix.length) : undefined;
    if (permission === 'types') continue;
    if (permission === undefined || !isPermission(permission)) {
      throw new PicodeError(`plugin ${plugin} imports ${raw}, which picode does not provide to plugins`, {
        hint: name.startsWith('wasi:')
          ? 'plugins get no WASI (no files, environment, clocks or network): rebuild it with `picode plugin build`, which builds without WASI, and use the picode:plugin capabilities instead'
          : `plugins may import only ${pluginPermissions.map((p) => interfacePrefix + p).join(', ')}`,
      });
    }
    needed.push(permission);
  }
  return needed;
}

/** Refuses a component importing a permission the user has not granted; names the fix. */
export function checkGrants(plugin: string, imports: readonly string[], grants: ReadonlySet<PluginPermission>): PluginPermission[] {
  const needed = requiredPermissions(plugin, imports);
  const missing = needed.filter((p) => !grants.has(p));
  if (missing.length > 0) {
    throw new PicodeError(
      `plugin ${plugin} needs permission${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not granted: it was not started`,
      { hint: `grant with: picode plugin grant ${plugin} ${missing.join(' ')}   (or plugins.entries.${plugin}.grants in the config)` },
    );
  }
  return needed;
}
