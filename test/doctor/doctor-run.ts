/**
 * Runs the doctor use case in-process for tests: a settings file written to
 * a private folder, the providers of the built-in plugins, and I/O that is
 * either absent (offline runs touch nothing) or the test's own (a fixture on
 * loopback, a fake zone).
 */
import fs from "node:fs";
import path from "node:path";
import { type DoctorDeps, type DoctorRequest, type DoctorTrust, runDoctor } from "../../core/doctor/doctor.ts";
import type { DoctorReport } from "../../core/doctor/doctor-report.ts";
import { systemClock, systemConnect } from "../../core/io.ts";
import { loadPlugins, type Registry } from "../../core/plugin.ts";
import { BUILTIN_PLUGINS } from "../../plugins/index.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const _dir = makeTestDir("smtpilot-doctor-");

/** Writes a settings file (in its own folder, named `app-N`) and returns its absolute path. */
export function settingsFile(name: string, content: string): string {
  const folder = fs.mkdtempSync(path.join(_dir, "app-"));
  const file = path.join(folder, name);
  fs.writeFileSync(file, content);
  return file;
}

/** The registry of the built-in plugins (providers and their knowledge), loaded once. */
let _registry: Promise<Registry> | undefined;
export function registry(): Promise<Registry> {
  _registry ??= loadPlugins(BUILTIN_PLUGINS);
  return _registry;
}

/** A request with the defaults the CLI uses, for `target`. */
export function request(target: string, over: Partial<DoctorRequest> = {}): DoctorRequest {
  return { target, to: [], ports: [], sweepTimeoutMs: 3000, timeoutMs: 10_000, offline: true, ...over };
}

/** Dependencies that refuse any network use (an offline run must not touch them). */
export async function deps(over: Partial<DoctorDeps> = {}): Promise<DoctorDeps & { announced: string[] }> {
  const reg = await registry();
  const announced: string[] = [];
  const never = () => Promise.reject(new Error("no network in this test"));
  return {
    io: {
      resolver: { lookup: never, resolveCname: never },
      connect: never,
      clock: systemClock,
    },
    mx: { resolveMx: never },
    detect: { resolveMx: never, resolveSrv: never },
    providers: reg.providers,
    replyRules: reg.replyRules,
    env: {},
    dmi: () => "",
    resolveSecret: () => Promise.resolve(undefined),
    progress: () => {},
    announce: (r) => void announced.push(r.mode),
    resolverName: "a test zone",
    announced,
    ...over,
  };
}

/** The person's own run: environment read, secrets used through their references. */
export const PERSON: DoctorTrust = { readEnvironment: true, useSecrets: true };

/** Reads `content` as file `name` offline and returns the report. */
export async function offline(name: string, content: string, over: Partial<DoctorRequest> = {}): Promise<DoctorReport> {
  return await runDoctor(request(settingsFile(name, content), over), PERSON, await deps());
}

/** The codes of a report's findings. */
export function codes(report: DoctorReport): string[] {
  return report.findings.map((f) => f.code);
}

/** The fix lines (as text, with their line or `add`) of the finding with `code`. */
export function fixOf(report: DoctorReport, code: string, which: "fix" | "alternative" = "fix"): string[] {
  const f = report.findings.find((x) => x.code === code);
  return (f?.[which]?.lines ?? []).map((l) => `${l.line ?? "add"}: ${l.text}`);
}

export { systemConnect };
