import { randomUUID } from "node:crypto";
import os from "node:os";

/**
 * Who holds a lease: `host/pid/nonce/role-id`. The nonce tells this process apart from an
 * earlier one with the same pid (a restarted container is pid 1 again), so a restart can
 * tell at once that the previous holder is gone instead of waiting for its lease to run out.
 */
const HOST = os.hostname().replaceAll("/", "_");
const PROCESS_NONCE = randomUUID().slice(0, 8);

/** A new owner name for one holder (a runner, an engine, a pipeline run) in this process. */
export function leaseOwner(role: string): string {
  return `${HOST}/${process.pid}/${PROCESS_NONCE}/${role}-${randomUUID().slice(0, 6)}`;
}

/**
 * True only when the owner's process is known to be dead: it ran on this host and its pid no
 * longer exists (or is this very process under another nonce). Owners on other hosts, or of
 * an unknown format, are never "known dead": their lease decides.
 */
export function isOwnerGone(owner: string | null): boolean {
  if (!owner) return false;
  const [host, pidText, nonce] = owner.split("/");
  const pid = Number(pidText);
  if (host !== HOST || !Number.isInteger(pid) || pid <= 0 || !nonce) return false;
  if (pid === process.pid) return nonce !== PROCESS_NONCE;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the pid exists but belongs to another user, so it is alive.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
