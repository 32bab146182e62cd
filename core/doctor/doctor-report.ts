/**
 * The doctor document (`smtpilot.doctor/1`, `--json`): the mode and what it
 * contacts, what was read and from which lines (never a secret), the
 * findings with their fixes, the port sweep, the path chosen and its full
 * diagnosis, the one next move, and the verdict. Fields are only ever
 * added.
 */
import { DOCTOR_SCHEMA } from "../schemas.ts";
import type { DiagnoseReport } from "../report.ts";
import type { Finding } from "./finding.ts";
import type { FixLine } from "./framework.ts";
import type { FrameworkId, ReadLine, TlsIntent } from "./mail-settings.ts";
import type { PortResult } from "./sweep.ts";

export { DOCTOR_SCHEMA };

/** What the run does at most: read only, probe without credentials, or probe with them (never mail). */
export type DoctorMode = "settings-check" | "connectivity-probe" | "auth-probe";

/** The settings as read (values shown as the person may see them). */
export interface SettingsSummary {
  framework: FrameworkId;
  title: string;
  file?: string;
  section?: string;
  lines: ReadLine[];
  host?: string;
  port?: number;
  tls: TlsIntent;
  user?: string;
  /** The reference the password is reached through (never the password). */
  secretRef?: string;
  from?: string;
}

/** The path diagnosed: the settings' own, the same port with its TLS mode corrected, or another port. */
export interface ChosenPath {
  host: string;
  port: number;
  tls: "implicit" | "starttls" | "none";
  why: "settings" | "corrected" | "alternative";
}

/** The one next move. */
export interface NextMove {
  text: string;
  /** The file the lines go into. */
  file?: string;
  /** Lines to write, in the framework's own terms. */
  lines: FixLine[];
  /** The `smtpilot profile add …` line that saves the working path. */
  command?: string;
}

/** One doctor run. */
export interface DoctorReport {
  schema: typeof DOCTOR_SCHEMA;
  mode: DoctorMode;
  /** What the run contacts, said before it does (the mode line). */
  contacts: string[];
  input: { kind: "settings" | "url" | "host" | "address" | "domain"; text: string };
  settings?: SettingsSummary;
  findings: Finding[];
  sweep?: { host: string; timeoutMs: number; ports: PortResult[] };
  path?: ChosenPath;
  diagnosis?: DiagnoseReport;
  next: NextMove;
  verdict: { status: "pass" | "fail"; code?: string; exitCode: number };
}
