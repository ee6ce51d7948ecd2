export { estimateTokens, contextItem, type ContextItem, type ContextSource } from './types.js';
export { fitBudget, renderContext, type FitResult, type FittedItem, type DroppedItem } from './assemble.js';
export { paneOutputSource, lastFailedCommandSource, fileSource, staticSource, type FailedCommand } from './sources.js';
export { gatherContext, buildAskRequest, type GatheredContext } from './ask.js';
export { ContextOrder, stableFirst, isVolatileSource } from './stable.js';
