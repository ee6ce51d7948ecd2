import type { EventType } from '../bus/catalog/index.js';

/**
 * Jobs: multi-stage background work (generating a plan, running an agent, gathering
 * context) that is persisted, cancellable and reports progress. A job is a list of named
 * stages; the result of each completed stage is saved, so a job interrupted by a host
 * restart resumes at the first stage that had not completed, with the earlier results.
 */
export const jobStatuses = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type JobStatus = (typeof jobStatuses)[number];

export const finishedStatuses: readonly JobStatus[] = ['done', 'failed', 'cancelled'];

export interface JobRecord {
  readonly id: number;
  readonly session: string | undefined;
  readonly kind: string;
  readonly title: string;
  readonly status: JobStatus;
  readonly stages: readonly string[];
  /** Number of stages completed (the index of the stage a resume starts at). */
  readonly stagesDone: number;
  readonly stage: string | undefined;
  /** 0..1 over the whole job. */
  readonly progress: number;
  readonly message: string | undefined;
  readonly input: unknown;
  /** Completed stages' results, by stage name. */
  readonly state: Readonly<Record<string, unknown>>;
  readonly result: unknown;
  readonly error: string | undefined;
  readonly attempts: number;
  readonly createdAt: number;
  readonly startedAt: number | undefined;
  readonly finishedAt: number | undefined;
  readonly updatedAt: number;
}

export interface JobContext<TInput> {
  readonly id: number;
  readonly input: TInput;
  /** Results of the stages completed before this one (also across a resume). */
  readonly state: Readonly<Record<string, unknown>>;
  /** Aborted when the job is cancelled or the host stops. */
  readonly signal: AbortSignal;
  /** True when this run continues an interrupted or failed job. */
  readonly resumed: boolean;
  /** Progress within the current stage (0..1) and an optional one-line message. */
  progress(fraction: number, message?: string): void;
}

export interface JobStage<TInput> {
  readonly name: string;
  /** Returns the stage's result (JSON-serialisable), saved before the next stage starts. */
  run(context: JobContext<TInput>): Promise<unknown>;
}

export interface JobKind<TInput = unknown> {
  readonly kind: string;
  title(input: TInput): string;
  readonly stages: readonly JobStage<TInput>[];
  /** Called after a job of this kind ends in any way (done, failed, cancelled, interrupted). */
  onFinished?(job: JobRecord): void;
}

/** What the orchestrator reports, as bus events (`job.*`) and to in-process watchers. */
/** The job events of the catalog (host/bus/catalog/agents.ts). */
export type JobEventType = Extract<EventType, `job.${string}`>;
