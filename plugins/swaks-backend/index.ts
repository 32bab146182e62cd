/**
 * The swaks probe backend: `smtpilot diagnose --backend swaks` performs the
 * network layers through the swaks binary (PATH, or `--swaks PATH`) and
 * reports them exactly as the built-in client would — same layer results,
 * codes, advice and exit codes — or says what swaks cannot tell. The core
 * knows nothing of swaks; this plugin registers the backend.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { GateError } from "../../core/errors.ts";
import { definePlugin, type ProbeRequest } from "../../core/plugin.ts";
import type { DiagnoseReport } from "../../core/report.ts";
import { writeGuard } from "./swaks-guard.ts";
import { inspectSwaks, locateSwaks, noTlsError } from "./swaks-program.ts";

/** Runs one diagnosis through swaks (exported for tests that call it without the registry). */
export async function diagnoseWithSwaks(request: ProbeRequest): Promise<DiagnoseReport> {
  const { options } = request;
  // A private folder for the guard module and the --ca file; removed however the run ends.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-swaks-"));
  const cleanup = () => fs.rmSync(work, { recursive: true, force: true });
  process.once("exit", cleanup);
  try {
    writeGuard(work);
    const program = await inspectSwaks(locateSwaks(request.program), work);
    if (options.tls !== "none" && !program.tls) throw noTlsError(program);
    if (options.auth && options.tls !== "none" && !program.guarded) {
      throw new GateError(
        `Refusing to give credentials to swaks ${program.version} at ${program.path}: smtpilot's guard did not load into it (PERL5OPT ignored), so ${
          program.hostCheck === "native" ? "its .netrc fallback" : "the certificate's host name"
        } cannot be controlled; nothing was sent. Drop --backend swaks, or run a connectivity probe (no --user) through it`,
        "E_SWAKS_UNSAFE",
      );
    }
    let caFile: string | undefined;
    if (options.ca !== undefined) {
      caFile = path.join(work, "ca.pem");
      fs.writeFileSync(caFile, options.ca, { mode: 0o600 });
    }
    // Loaded here, not with the plugin: every command registers the built-in plugins, and the session
    // brings the probe's layers, SASL and the OAuth token reader (jose) with it — ~50 modules.
    const { SwaksSession } = await import("./swaks-session.ts");
    return await new SwaksSession(request, { program, guardDir: work, ...(caFile ? { caFile } : {}) }).run();
  } finally {
    cleanup();
    process.off("exit", cleanup);
  }
}

/** The plugin. */
export default definePlugin({
  name: "swaks-backend",
  version: "1.0.0",
  setup(api) {
    api.addProbeBackend({
      name: "swaks",
      summary: "the swaks binary performs the SMTP session (PATH, or --swaks PATH)",
      diagnose: diagnoseWithSwaks,
    });
  },
});
