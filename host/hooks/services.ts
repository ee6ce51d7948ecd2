import type { PicodeEvent } from '../bus/envelope.js';
import type { EventInput, HostLogger, PanesApi } from '../api/hostApi.js';

/**
 * What running a hook needs from the outside world. In the host these are the HostApi and
 * the other extensions (plugin runtime, LLM service, planner); in unit tests an in-memory
 * double; in `picode hooks test` (dry run) nothing is executed but shell hooks.
 */
export interface HookServices {
  readonly session: string;
  /** Working directory of shell hooks and root of relative paths. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly panes: Pick<PanesApi, 'run' | 'sendText' | 'sendKeys' | 'capture'>;
  emit(event: EventInput): PicodeEvent;
  readonly log: HostLogger;
  /** Delivers an event to a loaded plugin. Throws ServiceUnavailable when there is no plugin runtime. */
  deliverToPlugin(plugin: string, event: PicodeEvent): Promise<PluginReply>;
  /**
   * For dry runs (`hooks test --host`): what the plugin would answer, its actions returned but
   * not applied. Absent outside the host: plugin hooks are then only described.
   */
  dryRunPlugin?(plugin: string, event: PicodeEvent): Promise<PluginReply>;
  /** One completion from the configured model. Throws ServiceUnavailable without an LLM service. */
  ask(request: { prompt: string; model?: string | undefined; origin: string }): Promise<string>;
  /** Starts plan generation (`plan.create`); resolves with what the planner returns. */
  createPlan(request: { task: string; context?: string | undefined; origin: string }): Promise<unknown>;
}

/** What a plugin answered to an event, as far as hooks are concerned. */
export interface PluginReply {
  readonly decision?: 'allow' | 'ask' | 'deny' | undefined;
  readonly reason?: string | undefined;
  readonly updatedData?: unknown;
  readonly additionalContext?: string | undefined;
  /** A one-line summary of what the plugin did (its actions), for the run log. */
  readonly summary: string;
}

/** A service another area provides is not there (not built yet, not configured, host not running). */
export class ServiceUnavailable extends Error {
  constructor(readonly why: string) {
    super(`not available: ${why}`);
    this.name = 'ServiceUnavailable';
  }
}
