/**
 * Where issued plan tokens live: `journal/plan-tokens.jsonl` in the memory
 * folder, one line per event — a token issued (its hash, the plan digest,
 * the expiry) or a token used. Checking and using a token happen under one
 * lock, so two sends racing with the same token cannot both pass.
 */
import path from "node:path";
import { withFileLock } from "../memory/atomic-file.ts";
import type { MemoryStore } from "../memory/index.ts";
import { checkToken, type Plan, tokenHash, type TokenProblem, type TokenRecord, tokenRecord } from "./plan.ts";

const _RUN = "plan-tokens";

/** Records an issued plan (its token's hash only). */
export async function storeIssuedPlan(store: MemoryStore, plan: Plan, now: Date): Promise<void> {
  await store.appendJournal(_RUN, { event: "issued", ...tokenRecord(plan, now) });
}

/**
 * Folds the events of the lines holding `hash` (a hash is written as it is) into one record per token:
 * the token's own, and any other whose line holds that text elsewhere (checkToken compares hashes).
 */
async function _records(store: MemoryStore, hash: string): Promise<TokenRecord[]> {
  const byHash = new Map<string, TokenRecord>();
  for (const e of await store.journal(_RUN, { containing: hash })) {
    const its = String(e.tokenHash ?? "");
    if (e.event === "issued") byHash.set(its, e as unknown as TokenRecord);
    else if (e.event === "used" && byHash.has(its)) {
      byHash.set(its, { ...(byHash.get(its) as TokenRecord), usedAt: String(e.usedAt) });
    }
  }
  return [...byHash.values()];
}

/**
 * Checks the token against the plan the flags describe and, when it approves
 * it, marks it used — atomically. Returns the problem, or undefined when the
 * send may go ahead (the token can never approve a second send).
 */
export async function consumeToken(
  store: MemoryStore,
  token: string,
  digest: string,
  now: Date,
): Promise<TokenProblem | undefined> {
  const file = path.join(await store.journalFolder(), `${_RUN}.jsonl`); // never through a link
  return await withFileLock(`${file}.use`, async () => {
    const problem = checkToken(token, digest, await _records(store, tokenHash(token)), now);
    if (problem === undefined) {
      await store.appendJournal(_RUN, { event: "used", tokenHash: tokenHash(token), usedAt: now.toISOString() });
    }
    return problem;
  });
}
