/**
 * The checks that must pass before a plan is issued: the diagnosis of the
 * profile's server up to `envelope` with the real sender and recipients
 * (MAIL FROM and RCPT TO, then RSET — no DATA), and the identity alignment
 * table (account, envelope sender, header From, DKIM domain, Return-Path)
 * with the provider's identity policy. A failing diagnosis or an alignment
 * error fails the preflight; nothing is then approved or sent.
 */
import { type AlignInput, type AlignPolicy, type AlignReport, checkAlignment } from "../align/align.ts";
import { diagnose } from "../diagnose.ts";
import type { DiagnoseOptions } from "../diagnose-options.ts";
import type { DnsClient } from "../domain/dns.ts";
import type { DiagnoseIo } from "../io.ts";
import type { ReplyRule } from "../knowledge/reply-rule.ts";
import type { LayerId } from "../layer.ts";
import type { DiagnoseReport } from "../report.ts";

/** How many recipients of a scale list the preflight tries at RCPT (never all: it is a probe). */
export const PREFLIGHT_SAMPLE = 3;

/** What the preflight needs. */
export interface PreflightInput {
  /** Connection and credentials; the envelope is added here. */
  options: DiagnoseOptions;
  rules: readonly ReplyRule[];
  envelopeFrom: string;
  /** Recipients tried at RCPT (the canary, or the first few of a list). */
  sample: readonly string[];
  align: AlignInput;
  policy?: AlignPolicy;
  dns: DnsClient;
  io?: DiagnoseIo;
  onProgress?: (layer: LayerId | "alignment") => void;
}

/** The outcome: both reports, and whether a plan may be issued. */
export interface PreflightResult {
  diagnosis: DiagnoseReport;
  /** The alignment report, or why it could not be made (DNS unreachable: a warning, not a failure). */
  alignment: AlignReport | { error: string };
  passed: boolean;
  /** Codes that failed it: the diagnosis verdict's code and alignment error findings. */
  failures: string[];
}

/** Runs the diagnosis and the alignment check (in parallel: they share nothing). */
export async function runPreflight(input: PreflightInput): Promise<PreflightResult> {
  const options: DiagnoseOptions = { ...input.options, from: input.envelopeFrom, to: [...input.sample] };
  const [diagnosis, alignment] = await Promise.all([
    diagnose(options, input.io, {
      replyRules: input.rules,
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    }),
    checkAlignment(input.align, input.dns, input.policy).catch((err: unknown) => {
      if ((err as { code?: string }).code?.startsWith("E_")) return { error: String((err as Error).message) };
      throw err;
    }),
  ]);
  const failures: string[] = [];
  if (diagnosis.verdict.status === "fail") failures.push(diagnosis.verdict.code ?? `${diagnosis.verdict.layer}.failed`);
  if ("findings" in alignment) {
    for (const f of alignment.findings) if (f.severity === "error") failures.push(f.code);
  }
  return { diagnosis, alignment, passed: failures.length === 0, failures };
}
