/**
 * The one next move after a doctor run: the lines to write in the
 * application's own settings (when the working path differs from what they
 * say, or they contradict themselves), then the `smtpilot profile add` line
 * that saves the working path with the password's reference — or, when the
 * diagnosis fails, its own next move.
 */
import type { DiagnoseReport } from "../report.ts";
import { shellQuote } from "../recipes/shell-line.ts";
import type { ChosenPath, NextMove } from "./doctor-report.ts";
import type { Finding } from "./finding.ts";
import type { FixLine, Framework, PathChange } from "./framework.ts";
import type { MailSettings } from "./mail-settings.ts";
import { modeOf } from "./path-choice.ts";

/** What the next move is made from. */
export interface NextMoveInput {
  settings?: MailSettings;
  framework?: Framework;
  findings: readonly Finding[];
  path?: ChosenPath;
  diagnosis?: DiagnoseReport;
  /** The profile the command saves. */
  profile: {
    name: string;
    provider?: string;
    user?: string;
    secretRef?: string;
    from?: string;
    ca?: string;
    servername?: string;
    ehloName?: string;
  };
  offline: boolean;
}

/** The next move. */
export function nextMove(input: NextMoveInput): NextMove {
  const { settings, framework, path, diagnosis } = input;
  const file = settings?.file;
  const errorLines = _merge(input.findings.filter((f) => f.severity === "error").flatMap((f) => f.fix?.lines ?? []));
  if (input.offline || !path || !diagnosis) {
    const again = input.offline ? "run again without --offline to sweep the ports and diagnose" : "run again";
    if (errorLines.length > 0) {
      return {
        text: `Change these lines${file ? ` in ${file}` : ""}, then ${again}`,
        lines: errorLines,
        ...(file ? { file } : {}),
      };
    }
    // An error without lines to write (no host, a value refused): its own fix, never "all is well".
    const error = input.findings.find((f) => f.severity === "error");
    if (error) return { text: `${error.fix?.text ?? `Fix ${error.code} above`}, then ${again}`, lines: [] };
    return {
      text: input.offline
        ? `The settings agree with themselves; ${again}`
        : "Nothing was diagnosed: the settings name no server to connect to",
      lines: [],
    };
  }
  if (diagnosis.verdict.status === "fail") {
    const failing = diagnosis.layers.find((l) => l.status === "fail");
    const next = failing?.diagnosis?.next ?? "See the failing layer above.";
    return {
      text: `${path.why === "settings" ? "" : `Even on port ${path.port} (${path.tls}): `}${next}`,
      lines: errorLines,
      ...(errorLines.length && file ? { file } : {}),
    };
  }
  const change = settings ? _change(settings, path) : {};
  const pathLines = framework && settings && Object.keys(change).length > 0 ? framework.lines(change, settings) : [];
  const lines = _merge([...pathLines, ...errorLines]);
  const command = _profileAdd(path, input.profile);
  if (lines.length === 0) {
    const error = input.findings.find((f) => f.severity === "error");
    if (path.why === "settings" && !error) {
      return { text: "These settings work as written. Save them as a profile:", lines: [], command };
    }
    // A change no line can write (a URL typed on the command line, a fix in words only): the
    // working path, and the finding's own fix, never "as written".
    const mode = path.tls === "implicit" ? "implicit TLS" : path.tls === "starttls" ? "STARTTLS" : "no TLS";
    return {
      text:
        `${
          error ? error.fix?.text ?? `Fix ${error.code} above` : `Use port ${path.port} with ${mode}`
        }: port ${path.port} with ${mode} works. ` +
        "Save it as a profile:",
      lines: [],
      command,
    };
  }
  return {
    text: `Change ${lines.length === 1 ? "this line" : `these ${lines.length} lines`}${
      file ? ` in ${file}` : ""
    }, then save the working path as a profile:`,
    ...(file ? { file } : {}),
    lines,
    command,
  };
}

/** What differs between the settings and the working path. */
function _change(settings: MailSettings, path: ChosenPath): PathChange {
  const change: PathChange = {};
  if (settings.host?.value !== undefined && settings.host.value !== path.host) change.host = path.host;
  if (settings.port?.value !== path.port) change.port = path.port;
  const own = modeOf(settings.tls.value);
  if (path.tls !== "none" && (own !== path.tls || settings.tls.conflictsWith)) change.tls = path.tls;
  return change;
}

/** One line per key: the first fix that writes a key wins. */
function _merge(lines: readonly FixLine[]): FixLine[] {
  const seen = new Set<string>();
  return lines.filter((l) => !seen.has(l.key) && seen.add(l.key) !== undefined);
}

/** The profile add line for the path (a reference, never a secret). */
function _profileAdd(path: ChosenPath, p: NextMoveInput["profile"]): string {
  const args = [
    "smtpilot",
    "profile",
    "add",
    p.name,
    "--provider",
    p.provider ?? "custom",
    "--host",
    path.host,
    "--port",
    String(path.port),
    "--tls",
    path.tls,
    ...(p.servername ? ["--servername", p.servername] : []),
    ...(p.ca ? ["--ca", p.ca] : []),
    ...(p.ehloName ? ["--ehlo-name", p.ehloName] : []),
    ...(p.user ? ["--user", p.user] : []),
    ...(p.user && p.secretRef ? ["--secret", p.secretRef] : []),
    ...(p.from ? ["--from", p.from] : []),
  ];
  return args.map(shellQuote).join(" ");
}
