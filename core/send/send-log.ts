/**
 * Recording a send-workflow step in send-log.md without letting the record
 * undo the step. The memory refuses anything shaped like a credential, and
 * some fields come from servers (a reply, a server name, IMAP evidence)
 * that any server controls: those are masked and the entry written again;
 * if even that fails, the step's result still stands and a warning says
 * the log is missing the entry — a message that was accepted is never
 * reported as a usage error. A canary's entry carries its recipient's key
 * (recipientKey), by which verify finds the canary again.
 */
import { createHash } from "node:crypto";
import type { SendLogEntry } from "../memory/index.ts";
import type { MemoryStore } from "../memory/store.ts";
import { findSecretValues } from "../memory/secret-values.ts";
import { LineRedactor, redactDeep } from "../redact.ts";
import type { RunContext } from "../run-context.ts";

/** What a step appends. */
export type LogEntry = Omit<SendLogEntry, "at"> & { at?: string };

const _MASKED = "<masked: shaped like a credential>";

/** The digest a canary send records to find its canary again (the address itself is masked in the log). */
export function recipientKey(address: string): string {
  return createHash("sha256").update(address.toLowerCase()).digest("hex").slice(0, 16);
}

/** Appends `entry`; masks server-provided text that looks like a credential; never throws. */
export async function logStep(store: MemoryStore, entry: LogEntry, ctx: RunContext): Promise<void> {
  try {
    await store.appendSendLog(entry);
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== "E_SECRET_VALUE") return _notLogged(err, ctx);
  }
  try {
    await store.appendSendLog(maskCredentials(entry));
  } catch (err) {
    _notLogged(err, ctx);
  }
}

/** The warning for an entry that could not be appended (a full disk: E_MEMORY_WRITE), with the error's code. */
function _notLogged(err: unknown, ctx: RunContext): void {
  const code = (err as { code?: unknown }).code;
  ctx.warn(
    `send-log.md was not updated (${typeof code === "string" ? `${code}: ` : ""}${
      String((err as Error).message ?? err).slice(0, 200)
    })`,
  );
}

/** A copy with credential-shaped text masked: known forms line by line, then whole values the memory would refuse. */
export function maskCredentials<T>(entry: T): T {
  const lines = new LineRedactor();
  const masked = redactDeep(entry, (s) => lines.line(s));
  const paths = findSecretValues(masked).map((f) => f.path);
  for (const p of paths) _set(masked, p, _MASKED);
  return masked;
}

function _set(root: unknown, path: (string | number)[], value: string): void {
  let at = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path.at(-1);
  if (last !== undefined && at && typeof at === "object") at[last] = value;
}
