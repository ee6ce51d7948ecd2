import type { Migration } from '../migration.js';
import { foundation } from './0001-foundation.js';
import { host } from './0002-host.js';
import { plugins } from './0003-plugins.js';
import { hooks } from './0004-hooks.js';
import { llm } from './0005-llm.js';
import { agents } from './0006-agents.js';
import { llmCache } from './0007-llm-cache.js';
import { sessionsByServer } from './0008-sessions-by-server.js';
import { externalAgents } from './0009-external-agents.js';
import { unambiguousHostKeys } from './0010-unambiguous-host-keys.js';

/**
 * Every schema change, in order. A migration is never edited once released: add a new one.
 * Each area of picode owns its own file so that the history reads by subject.
 */
export const migrations: readonly Migration[] = [foundation, host, plugins, hooks, llm, agents, llmCache, sessionsByServer, externalAgents,
  unambiguousHostKeys];
