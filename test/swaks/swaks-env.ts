/**
 * Whether swaks (with TLS) is here for the swaks backend's tests, and the
 * request shape they use. Under CI=true a missing swaks fails instead of
 * skipping: .ci/run installs it.
 */
import { execFileSync } from "node:child_process";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import { systemIo } from "../../core/io.ts";
import type { ProbeRequest } from "../../core/plugin.ts";

/** Why the swaks tests cannot run here, or undefined when they can. */
export function swaksMissing(): string | undefined {
  let support: string;
  try {
    execFileSync("swaks", ["--version"], { encoding: "utf8" });
    support = execFileSync("swaks", ["--support"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch {
    return "needs swaks: apt-get install swaks libnet-ssleay-perl";
  }
  if (!/^=== TLS supported/m.test(support)) return "needs swaks with TLS: apt-get install libnet-ssleay-perl";
  return undefined;
}

/** The reason to skip, after failing loudly under CI. */
export function skipUnlessSwaks(): string | false {
  const missing = swaksMissing();
  if (missing && process.env.CI === "true") throw new Error(`CI must install swaks with TLS: ${missing}`);
  return missing ?? false;
}

/** A probe request for the swaks backend with the system's I/O. */
export function swaksRequest(options: DiagnoseOptions, program?: string): ProbeRequest {
  return { options, io: systemIo(), replyRules: [], ...(program ? { program } : {}) };
}
