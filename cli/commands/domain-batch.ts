/**
 * `smtpilot domain a.example b.example …` and `--from-file FILE` (or `-`
 * for stdin): many domains in one process. Every line is checked before the
 * first lookup (a bad one names its line); the audits run a few at a time
 * over one shared cache (core/domain/batch.ts); each result is printed the
 * moment it is done — one `smtpilot.domain/1` document per line with
 * `--json` (JSON Lines), a table row otherwise. A file line is a domain, or
 * a JSON object `{"domain", "ip", "sender", "helo"}` replaying one receiver's
 * SPF check (a log line), so many checks share one run and one cache.
 */
import type { Readable } from "node:stream";
import { auditMany, type BatchEntry, type BatchOptions } from "../../core/domain/batch.ts";
import type { DomainReport } from "../../core/domain/audit.ts";
import type { DnsClient } from "../../core/domain/dns.ts";
import { UsageError } from "../../core/errors.ts";
import { EXIT_ENVIRONMENT, EXIT_FINDINGS, EXIT_OK } from "../../core/exit.ts";
import { readSmallFile } from "../../core/files.ts";
import { shown } from "../../core/printable.ts";
import { tableFooter, tableHeader, tableRow } from "../../core/reporters/domain-table.ts";
import { DOMAIN_BATCH_SCHEMA } from "../../core/schemas.ts";
import type { CommandResult, RunContext } from "../command-spec.ts";
import { domainArgument, heloIdentity, identityDomain, ipArgument, senderIdentity } from "./domain-args.ts";

/** Most bytes read from `--from-file` (a million domains is ~20 MB). */
export const MAX_LIST_BYTES = 32 * 1024 * 1024;
/** Most domains one run takes. */
export const MAX_BATCH = 100_000;

/** The entries of a batch: the DOMAIN arguments, then the file's lines, duplicates removed, `ip` applied to each. */
export async function batchEntries(
  args: readonly string[],
  fromFile: string | undefined,
  ip: string | undefined,
  stdin: Readable = process.stdin,
  agent = false,
): Promise<BatchEntry[]> {
  // Under the MCP server stdin is the protocol itself: a list must come as a file.
  if (fromFile === "-" && agent) {
    throw new UsageError("--from-file - reads stdin, which an MCP client cannot feed; name a file");
  }
  const entries = args.map((a) => ({ domain: domainArgument(a), ...(ip !== undefined ? { ip } : {}) }));
  if (fromFile !== undefined) {
    const text = fromFile === "-"
      ? await _readStdin(stdin)
      : readSmallFile(fromFile, { what: "--from-file", maxBytes: MAX_LIST_BYTES }).toString("utf8");
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) return;
      try {
        entries.push(
          line.startsWith("{") ? _jsonEntry(line, ip) : {
            domain: domainArgument(line),
            ...(ip !== undefined ? { ip } : {}),
          },
        );
      } catch (err) {
        throw new UsageError(`--from-file ${shown(fromFile)} line ${i + 1}: ${(err as Error).message}`);
      }
    });
  }
  const seen = new Set<string>();
  const unique = entries.filter((e) => {
    const key = JSON.stringify(e);
    return seen.has(key) ? false : (seen.add(key), true);
  });
  if (unique.length === 0) throw new UsageError("No domain to audit: the list is empty");
  if (unique.length > MAX_BATCH) throw new UsageError(`${unique.length} domains: one run takes at most ${MAX_BATCH}`);
  return unique;
}

/** A JSON line: a domain, or an SPF replay (ip with sender and/or helo), checked like the flags. */
function _jsonEntry(line: string, defaultIp: string | undefined): BatchEntry {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw new UsageError("not a domain and not a JSON object");
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) throw new UsageError("not a JSON object");
  const v = o as Record<string, unknown>;
  const str = (k: string) => {
    if (v[k] === undefined) return undefined;
    if (typeof v[k] !== "string") throw new UsageError(`"${k}" must be a string`);
    return v[k] as string;
  };
  const unknown = Object.keys(v).filter((k) => !["domain", "ip", "sender", "helo"].includes(k));
  if (unknown.length > 0) throw new UsageError(`unknown key ${shown(unknown[0])} (domain, ip, sender, helo)`);
  const ipText = str("ip");
  const ip = ipText !== undefined ? ipArgument('"ip"', ipText) : defaultIp;
  const sender = str("sender") === undefined ? undefined : senderIdentity(str("sender") ?? "");
  const helo = str("helo") === undefined ? undefined : heloIdentity(str("helo") ?? "");
  if ((sender !== undefined || helo !== undefined) && ip === undefined) {
    throw new UsageError('"sender" and "helo" replay an SPF check for "ip"; give "ip" too');
  }
  const given = str("domain");
  const replayed = identityDomain(sender, helo);
  if (given === undefined && replayed === undefined) {
    throw new UsageError('give "domain", or "ip" with "sender"/"helo"');
  }
  return {
    domain: given !== undefined ? domainArgument(given) : (replayed ?? "").trim().toLowerCase(),
    ...(ip !== undefined ? { ip } : {}),
    ...(sender !== undefined ? { sender } : {}),
    ...(helo !== undefined ? { helo } : {}),
  };
}

async function _readStdin(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (total > MAX_LIST_BYTES) throw new UsageError(`--from-file -: more than ${MAX_LIST_BYTES} bytes on stdin`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Runs the batch and prints as it goes: JSON Lines or table rows on the
 * command line; the MCP tool (an agent) gets one document with every report.
 */
export async function runBatch(
  entries: readonly BatchEntry[],
  common: BatchOptions,
  dns: DnsClient,
  concurrency: number | undefined,
  ctx: RunContext,
): Promise<CommandResult> {
  const collected: DomainReport[] = [];
  const stream = !ctx.agent;
  if (stream && !ctx.json) ctx.emit({ text: tableHeader() });
  const summary = await auditMany(entries, common, dns, {
    ...(concurrency !== undefined ? { concurrency } : {}),
    onProgress: (text) => ctx.progress(text),
    onReport: (report) => {
      if (!stream) collected.push(report);
      else if (ctx.json) ctx.emit({ document: report, line: true });
      else ctx.emit({ text: tableRow(report) });
    },
  });
  const exitCode = summary.unanswered === summary.domains
    ? EXIT_ENVIRONMENT
    : summary.failed > 0
    ? EXIT_FINDINGS
    : EXIT_OK;
  if (!stream) {
    return { exitCode, document: { schema: DOMAIN_BATCH_SCHEMA, reports: collected, summary } };
  }
  return { exitCode, ...(ctx.json ? {} : { text: tableFooter(summary) }) };
}
