/**
 * Turning what `smtpilot doctor` was pointed at into mail settings: a
 * settings file is read (never run) and its framework recognised; a URL is
 * read as a command-line SMTP URL; a host is taken as it is; an address or a
 * domain waits for DNS (its SRV and MX records) to name a host. Errors name
 * the file and the line, never a value from it.
 */
import path from "node:path";
import { SmtpilotError } from "../errors.ts";
import { EXIT_ENVIRONMENT, EXIT_USAGE } from "../exit.ts";
import { hasControl, shown } from "../printable.ts";
import { hostValue, mailboxValue } from "../validate.ts";
import type { Finding } from "./finding.ts";
import { type SettingsEntries, SettingsSyntaxError } from "./formats/entries.ts";
import { entriesOf, readSettingsFile } from "./formats/settings-file.ts";
import type { Framework } from "./framework.ts";
import { FRAMEWORKS, recognise } from "./frameworks/index.ts";
import { settingsFromUrlArgument } from "./frameworks/url-settings.ts";
import { HOST_REFUSED, type MailSettings, type ReadPolicy } from "./mail-settings.ts";
import { parseTarget, type Target, targetInText } from "./target.ts";

/** What the target gave. */
export interface ReadTarget {
  target: Target;
  settings?: MailSettings;
  framework?: Framework;
  /** Findings about the target itself (a password typed in a URL). */
  findings: Finding[];
}

/** Reads the target `arg` (see the module comment). */
export function readTarget(arg: string, options: { framework?: string; policy: ReadPolicy }): ReadTarget {
  const target = parseTarget(arg);
  if (target.kind === "settings") return _settingsFile(target, options);
  return fromTarget(target, options.policy);
}

/** Settings for a target that is not a file. */
export function fromTarget(target: Exclude<Target, { kind: "settings" }>, policy: ReadPolicy): ReadTarget {
  if (target.kind === "url") {
    const settings = saneValues(settingsFromUrlArgument(target.text, policy));
    const findings: Finding[] = [];
    if (/^[a-z][a-z0-9+.-]*:\/\/[^@/]*:[^@]*@/i.test(target.text)) {
      findings.push({
        code: "doctor.password-in-argument",
        severity: "warning",
        summary: "The URL on the command line holds a password; smtpilot does not use it",
        cause: "A command line is kept in shell history and visible to other users in the process list.",
        from: [{ key: "url" }],
        fix: {
          text: "Keep the password in a file or variable and give --secret REF (e.g. env:SMTP_PASSWORD)",
          lines: [],
        },
      });
    }
    return { target, settings, findings };
  }
  if (target.kind === "host") {
    const settings: MailSettings = {
      framework: "url",
      title: "host",
      read: [],
      host: { value: target.host, key: "host" },
      ...(target.port ? { port: { value: target.port, key: "port" } } : {}),
      tls: { value: target.port === 465 ? "implicit" : "starttls-if-offered", key: "port", defaulted: true },
      problems: [],
      unresolved: [],
    };
    return { target, settings, findings: [] };
  }
  return { target, findings: [] };
}

function _settingsFile(
  target: Extract<Target, { kind: "settings" }>,
  options: { framework?: string; policy: ReadPolicy },
): ReadTarget {
  const { text, syntax } = readSettingsFile(target.file);
  const pasted = targetInText(text);
  if (pasted && pasted.kind !== "settings") return fromTarget(pasted, options.policy);
  let entries: SettingsEntries;
  try {
    entries = entriesOf(syntax, text);
  } catch (err) {
    if (!(err instanceof SettingsSyntaxError)) throw err;
    throw new SmtpilotError(
      "E_SETTINGS_INVALID",
      EXIT_ENVIRONMENT,
      `The settings file ${shown(target.shown)} cannot be read as ${syntax}: ${err.message}; the line is not shown`,
    );
  }
  const found = recognise(entries.entries, syntax, options.framework);
  if (!found) {
    const wanted = options.framework ??
      FRAMEWORKS.filter((f) => f.syntaxes.includes(syntax)).map((f) => f.id).join(", ");
    throw new SmtpilotError(
      "E_SETTINGS_UNRECOGNISED",
      EXIT_USAGE,
      `No mail settings found in ${shown(target.shown)} (read as ${syntax}; looked for the keys of ${wanted}). ` +
        "Give --framework NAME if the file uses another convention's names",
    );
  }
  const settings = found.framework.read({
    entries: entries.entries,
    file: { path: target.file, syntax },
    policy: options.policy,
  });
  return { target, settings: saneValues(settings), framework: found.framework, findings: [] };
}

/**
 * The values that go on the wire (host, login, From) checked as the flags
 * that carry them are: one that is not a host name, holds control
 * characters or is not an address becomes a value problem and is dropped,
 * so nothing a file says reaches DNS, a TLS name or an SMTP command unchecked.
 */
export function saneValues(settings: MailSettings): MailSettings {
  const out = { ...settings, problems: [...settings.problems] };
  const refuse = (f: { key: string; line?: number }, problem: string) =>
    out.problems.push({ key: f.key, ...(f.line !== undefined ? { line: f.line } : {}), problem });
  if (out.host && !out.host.defaulted) {
    try {
      out.host = { ...out.host, value: hostValue(out.host.key, out.host.value) };
    } catch {
      refuse(out.host, HOST_REFUSED);
      delete out.host;
    }
  }
  if (out.user && (hasControl(out.user.value) || out.user.value.trim() === "")) {
    refuse(out.user, "holds control characters");
    delete out.user;
  }
  if (out.from) {
    try {
      out.from = { ...out.from, value: mailboxValue(out.from.key, out.from.value).address };
    } catch {
      refuse(out.from, "is not an email address");
      delete out.from;
    }
  }
  return out;
}

/** A profile name for the settings: the application's folder, else the host's first label. */
export function profileNameFor(settings: MailSettings | undefined): string {
  const folder = settings?.file ? path.basename(path.dirname(settings.file)) : "";
  const candidates = [
    folder === "config" || folder === "settings"
      ? path.basename(path.dirname(path.dirname(settings?.file ?? "")))
      : folder,
    settings?.host?.value.split(".")[0] ?? "",
  ];
  for (const c of candidates) {
    const name = c.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 30);
    if (/^[a-z0-9][a-z0-9-]*$/.test(name)) return name;
  }
  return "app";
}
