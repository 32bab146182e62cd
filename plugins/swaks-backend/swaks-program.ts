/**
 * Finds swaks and learns what it can do before anything touches the network:
 * its version (options differ between releases), whether it has TLS (Perl's
 * Net::SSLeay) and IPv6, and whether smtpilot's guard loads into it. A
 * missing, unusable or too old swaks is an environment error (exit 3) with
 * the fix in the message.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { EnvironmentError } from "../../core/errors.ts";
import { shown } from "../../core/printable.ts";
import { GUARD_LOADED, guardedEnv } from "./swaks-guard.ts";

/** Oldest swaks the backend drives: `--option=value` works for every option and env options are deterministic. */
export const MIN_SWAKS_VERSION = 20190914;
/** First swaks that checks the certificate's host name itself (`--tls-verify` with `--tls-target`). */
export const HOST_CHECK_VERSION = 20240103;

/** What smtpilot learned about one swaks. */
export interface SwaksProgram {
  path: string;
  /** As swaks prints it, e.g. "20201014.0". */
  version: string;
  tls: boolean;
  ipv6: boolean;
  /**
   * Who checks the certificate's host name in swaks' handshake: swaks itself
   * (`native`, 20240103 and later), smtpilot's guard (`guard`), or nobody
   * (`none`: the guard did not load, so credentials are never given to swaks).
   */
  hostCheck: "native" | "guard" | "none";
  /** smtpilot's guard loaded into this swaks (PERL5OPT honoured): required before any credential is given to it. */
  guarded: boolean;
}

/** Where swaks is: the path given (`--swaks PATH`) or the first `swaks` on PATH. */
export function locateSwaks(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (given !== undefined) {
    if (!_executable(given)) {
      throw new EnvironmentError(
        `Cannot run swaks at ${shown(given)}: not an executable file (--swaks takes the path of the swaks program)`,
        "E_SWAKS_MISSING",
      );
    }
    return given;
  }
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, "swaks");
    if (_executable(candidate)) return candidate;
  }
  throw new EnvironmentError(
    "swaks is not installed (no swaks on PATH): install it (Debian/Ubuntu: apt-get install swaks libnet-ssleay-perl) or give its path with --swaks PATH",
    "E_SWAKS_MISSING",
  );
}

/** Runs `swaks --version` and `swaks --support` (with the guard) and reads what they say. */
export async function inspectSwaks(program: string, guardDir: string): Promise<SwaksProgram> {
  const env = guardedEnv(process.env, guardDir);
  const [version, support] = await Promise.all([
    _run(program, ["--version"], env),
    _run(program, ["--support"], env),
  ]);
  const m = /swaks version (\d{8})\.(\d+)/.exec(version);
  if (!m) {
    throw new EnvironmentError(
      `${shown(program)} does not answer --version like swaks (${shown(version.trim().split("\n").pop() ?? "", 80)})`,
      "E_SWAKS_MISSING",
    );
  }
  const number = Number(m[1]);
  const printed = `${m[1]}.${m[2]}`;
  if (number < MIN_SWAKS_VERSION) {
    throw new EnvironmentError(
      `swaks ${printed} at ${
        shown(program)
      } is too old for --backend swaks (needs ${MIN_SWAKS_VERSION}.0 or later): upgrade it, or drop --backend swaks`,
      "E_SWAKS_TOO_OLD",
    );
  }
  const guarded = version.split("\n").some((line) => line.trim() === `=== smtpilot: ${GUARD_LOADED}`);
  return {
    path: program,
    version: printed,
    tls: /^=== TLS supported/m.test(support),
    ipv6: /^=== IPv6 supported/m.test(support),
    hostCheck: number >= HOST_CHECK_VERSION ? "native" : guarded ? "guard" : "none",
    guarded,
  };
}

/** The message for a swaks without TLS support, when the diagnosis needs TLS. */
export function noTlsError(program: SwaksProgram): EnvironmentError {
  return new EnvironmentError(
    `swaks ${program.version} at ${
      shown(program.path)
    } has no TLS support (it needs Perl's Net::SSLeay: apt-get install libnet-ssleay-perl); without TLS only --tls none can be diagnosed through it`,
    "E_SWAKS_NO_TLS",
  );
}

function _executable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function _run(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { env, timeout: 10_000, maxBuffer: 256 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === "ENOENT") {
        return reject(new EnvironmentError(`Cannot run swaks at ${shown(program)}: not found`, "E_SWAKS_MISSING"));
      }
      if (err && (err as { killed?: boolean }).killed) {
        return reject(
          new EnvironmentError(`swaks at ${shown(program)} did not answer ${args[0]} within 10 s`, "E_SWAKS_MISSING"),
        );
      }
      // swaks --support prints the unsupported features on stderr.
      resolve(`${stdout}\n${stderr}`);
    });
  });
}
