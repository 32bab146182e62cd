/**
 * The checklist step of `verify` (core/send/verify-send.ts): reads the
 * received copy, judges it, and writes what it learned to
 * deliverability-notes.md per profile and sending domain — the last
 * canary's placement and authentication, dated — which `status` shows.
 */
import { DNS_TIMEOUT_MS, systemDns } from "../domain/dns.ts";
import type { MemoryStore, NoteEntry, SendLogEntry } from "../memory/index.ts";
import { CANARY_NOTE_KIND } from "../memory/memory-schemas.ts";
import { buildChecklist, type Checklist } from "./checklist.ts";
import { readReceivedCopy } from "./received-copy.ts";
import { PROVIDER_TITLES } from "./provider-rules.ts";

/** Reads and judges the received copy (DKIM keys looked up through `resolver`, or the system's). */
export async function checkReceivedCopy(
  source: Buffer,
  placement: "inbox" | "spam",
  folder: string | undefined,
  resolver: string | undefined,
): Promise<Checklist> {
  const copy = await readReceivedCopy(source, systemDns(resolver, DNS_TIMEOUT_MS));
  return buildChecklist(copy, { folder: placement, ...(folder !== undefined ? { folderName: folder } : {}) });
}

/** Appends what this verification learned to deliverability-notes.md. */
export async function noteVerified(
  store: MemoryStore,
  sent: SendLogEntry,
  state: string,
  checklist: Checklist,
): Promise<NoteEntry> {
  const from = typeof sent.from === "string" ? sent.from : "";
  const domain = from.includes("@") ? from.slice(from.lastIndexOf("@") + 1).toLowerCase() : undefined;
  const status = (code: string) => checklist.lines.find((l) => l.code === code)?.status ?? "none";
  const failing = checklist.lines.filter((l) => l.status === "fail").map((l) => l.code);
  const providers = checklist.providers.map((p) =>
    `${PROVIDER_TITLES[p.provider]} ${p.met.length} met, ${p.missed.length} missed${
      p.missed.length ? ` (${p.missed.join(", ")})` : ""
    }`
  );
  const summary = `canary ${state}; spf ${status("canary.spf")}, dkim ${status("canary.dkim")}, dmarc ${
    status("canary.dmarc")
  }, alignment ${status("canary.alignment")}; ${providers.join("; ")}`;
  return await store.appendNote({
    kind: CANARY_NOTE_KIND,
    ...(domain ? { domain } : {}),
    ...(sent.profile ? { profile: sent.profile } : {}),
    ...(typeof sent.messageId === "string" ? { messageId: sent.messageId } : {}),
    state,
    summary: summary.length > 1900 ? `${summary.slice(0, 1900)}…` : summary,
    ...(failing.length ? { failing } : {}),
  });
}
