export { InterruptedError, isInterrupted, throwIfAborted } from "./interrupted";
export { isOwnerGone, leaseOwner } from "./owner";
export { keepAlive, retryDelayMs, staleRunning, type LeasedTable } from "./stale";
