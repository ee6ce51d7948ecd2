// Generated from plugins/wit/plugin.wit by plugins/sdk/generate-types.mjs. Do not edit.
declare module 'picode:plugin/git@0.1.0' {
  /**
   * `git status --porcelain=v2 --branch` output.
   */
  export function status(repo: string): string;
  /**
   * `git diff --numstat` (staged: `--cached`) output.
   */
  export function diffStat(repo: string, staged: boolean): string;
  /**
   * The last `count` commits, one per line: `<hash>\t<author>\t<unix time>\t<subject>`.
   */
  export function log(repo: string, count: number): string;
}
