/**
 * What `smtpilot doctor` was pointed at, told apart by form: an SMTP URL
 * (`scheme://…`), a settings file (a path that exists, or one written as a
 * path), an email address, `host:port`, a host (an IP address, or a name
 * starting with smtp., mail. and the like), else a domain — whose SRV and
 * MX records then name the host. Usage errors name the value safely.
 */
import fs from "node:fs";
import { isIP } from "node:net";
import { UsageError } from "../errors.ts";
import { hasControl, shown } from "../printable.ts";
import { expandPath } from "../secrets.ts";
import { hostValue, mailboxValue } from "../validate.ts";

/** A parsed target. */
export type Target =
  | { kind: "settings"; file: string; shown: string }
  | { kind: "url"; text: string }
  | { kind: "host"; host: string; port?: number }
  | { kind: "address"; address: string; domain: string }
  | { kind: "domain"; domain: string };

/** First labels that name a submission host rather than a domain. */
const _HOST_LABEL = /^(?:smtp|smtps|mail|email-smtp|smtp-relay|relay|submission|out|outbound|mx\d*|mta\d*)[.-]/i;

/** Parses the argument; `cwd` resolves relative paths. */
export function parseTarget(arg: string, cwd = process.cwd()): Target {
  const text = arg.trim();
  if (text === "" || hasControl(text)) throw new UsageError("Invalid target: empty, or holds control characters");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return { kind: "url", text };
  const path = expandPath(text, cwd);
  if (_isFile(path) || /[/\\]/.test(text) || text.startsWith(".") || text.startsWith("~")) {
    return { kind: "settings", file: path, shown: text };
  }
  if (text.includes("@")) {
    const address = mailboxValue("target", text).address;
    return { kind: "address", address, domain: address.slice(address.lastIndexOf("@") + 1).toLowerCase() };
  }
  const withPort = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(text);
  if (withPort) {
    const port = Number(withPort[2]);
    if (port < 1 || port > 65535) throw new UsageError(`Invalid target ${shown(text)}: the port must be 1-65535`);
    return { kind: "host", host: hostValue("target", (withPort[1] ?? "").replace(/^\[|\]$/g, "")), port };
  }
  const name = hostValue("target", text);
  if (isIP(name) || _HOST_LABEL.test(name) || !name.includes(".")) return { kind: "host", host: name };
  return { kind: "domain", domain: name.toLowerCase().replace(/\.$/, "") };
}

/**
 * A one-line settings "file" that is really a target (pasted content holding
 * only `smtp://…`, `host:port` or an address): that target; else undefined.
 */
export function targetInText(text: string): Target | undefined {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  if (lines.length !== 1) return undefined;
  const only = lines[0] as string;
  if (
    /[=\s]/.test(only.replace(/^[a-z][a-z0-9+.-]*:\/\/\S*$/i, "")) || /[/\\]/.test(only.replace(/^\S+:\/\/\S*$/, ""))
  ) {
    return undefined;
  }
  try {
    const t = parseTarget(only);
    return t.kind === "settings" ? undefined : t;
  } catch {
    return undefined;
  }
}

function _isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
