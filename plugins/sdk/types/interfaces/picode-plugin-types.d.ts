// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.
declare module 'picode:plugin/types@0.1.0' {
  /**
   * # Variants
   * 
   * ## `"debug"`
   * 
   * ## `"info"`
   * 
   * ## `"warn"`
   * 
   * ## `"error"`
   */
  export type Level = 'debug' | 'info' | 'warn' | 'error';
  /**
   * One event from the host's bus. `data` is the event's payload as JSON text
   * (its shape per type is listed in docs/hooks.md).
   */
  export interface Event {
    id: bigint,
    type: string,
    /**
     * Milliseconds since the epoch.
     */
    time: bigint,
    /**
     * The multiplexer pane id (`%3`), when the event concerns a pane.
     */
    pane?: string,
    /**
     * The pane's name from the layout.
     */
    paneName?: string,
    data: string,
  }
  /**
   * A piece of context offered to plans, agents and `picode ask`.
   */
  export interface ContextItem {
    /**
     * Where it comes from, e.g. `git-context:status` or `pane-errors:%3`.
     */
    source: string,
    title: string,
    content: string,
    /**
     * Higher is kept first when the budget is tight (0-100).
     */
    priority: number,
  }
  export interface Notification {
    level: Level,
    title: string,
    body: string,
  }
  export interface TextInput {
    pane: string,
    text: string,
    enter: boolean,
  }
  export interface KeyInput {
    pane: string,
    keys: Array<string>,
  }
  export interface PaneCommand {
    pane: string,
    command: string,
  }
  /**
   * A custom event: its type is `diagnostic`, `plugin.SOMETHING` or `user.SOMETHING`.
   */
  export interface CustomEvent {
    type: string,
    pane?: string,
    data: string,
  }
  /**
   * # Variants
   * 
   * ## `"allow"`
   * 
   * ## `"ask"`
   * 
   * ## `"deny"`
   */
  export type Verdict = 'allow' | 'ask' | 'deny';
  /**
   * The plugin's decision on a blocking event it registered as a gate.
   */
  export interface GateDecision {
    verdict: Verdict,
    reason?: string,
    /**
     * A replacement payload (JSON) for the event, e.g. a redacted `llm.request`.
     */
    updatedData?: string,
    additionalContext?: string,
  }
  /**
   * What a plugin asks the host to do after an event batch.
   */
  export type Action = ActionNotify | ActionSendText | ActionSendKeys | ActionRun | ActionEmit | ActionAddContext | ActionSetStatus | ActionDecide;
  export interface ActionNotify {
    tag: 'notify',
    val: Notification,
  }
  export interface ActionSendText {
    tag: 'send-text',
    val: TextInput,
  }
  export interface ActionSendKeys {
    tag: 'send-keys',
    val: KeyInput,
  }
  export interface ActionRun {
    tag: 'run',
    val: PaneCommand,
  }
  export interface ActionEmit {
    tag: 'emit',
    val: CustomEvent,
  }
  export interface ActionAddContext {
    tag: 'add-context',
    val: ContextItem,
  }
  /**
   * A short status line shown by `picode plugin list` and the pane views.
   */
  export interface ActionSetStatus {
    tag: 'set-status',
    val: string,
  }
  /**
   * Only meaningful for an event listed in `description.gates`.
   */
  export interface ActionDecide {
    tag: 'decide',
    val: GateDecision,
  }
  export interface Tool {
    name: string,
    description: string,
    /**
     * JSON Schema of the tool's arguments (JSON text).
     */
    inputSchema: string,
  }
  export interface Description {
    name: string,
    version: string,
    summary: string,
    /**
     * Event types delivered to on-event: exact types or prefixes ending in `*`.
     */
    events: Array<string>,
    /**
     * Blocking event types (`llm.request`, `agent.tool.before`, `pane.send.before`) the
     * plugin decides on through a `decide` action.
     */
    gates: Array<string>,
    /**
     * Names of the context providers served by gather-context.
     */
    contextProviders: Array<string>,
    tools: Array<Tool>,
  }
  export interface ContextRequest {
    /**
     * What the context is for (the task or question), possibly empty.
     */
    task: string,
    /**
     * The most tokens (about 4 characters each) the plugin may return in total.
     */
    tokenBudget: number,
    /**
     * Names or globs the user pointed at (files, panes), possibly empty.
     */
    targets: Array<string>,
  }
  export interface Pane {
    id: string,
    name?: string,
    window: string,
    command: string,
    cwd: string,
    width: number,
    height: number,
    active: boolean,
  }
  export interface DirEntry {
    name: string,
    kind: string,
    size: bigint,
  }
  export interface CompletionRequest {
    system?: string,
    prompt: string,
    maxTokens: number,
  }
}
