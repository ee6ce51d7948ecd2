/** One versioned schema change, applied once inside a transaction at open. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
