/**
 * Finds SMTP replies in pasted text: a bare reply ("550 5.1.1 No such
 * user"), a multi-line one ("550-5.7.26 …" / "550 5.7.26 …"), several in a
 * row, or replies inside the log and bounce lines people actually paste
 * (Postfix's "host … said: 550 … (in reply to RCPT TO command)", Exim's
 * "SMTP error from remote mail server after RCPT TO:<…>: 550 …", a DSN's
 * "Diagnostic-Code: smtp; 550 …", Exchange's "Remote Server returned '550 …'").
 * The stage the surrounding words name is kept, so the knowledge table can
 * be asked about the right command.
 */
import type { ReplyStage } from "../knowledge/reply-rule.ts";
import { type SmtpReply, toReply } from "../smtp/reply.ts";

/** One reply found in the input. */
export interface FoundReply {
  reply: SmtpReply;
  /** The input lines it came from, joined with spaces (prefixes included). */
  source: string;
  /** The stage named around the reply ("in reply to RCPT TO command"), when named. */
  stage?: ReplyStage;
}

/** Most replies one input may hold; more is not a paste but a file for `bounce`. */
export const MAX_REPLIES = 200;
const _MAX_LINES_PER_REPLY = 64;
const _MAX_LINE = 4096;

const _BARE = /^\s*([2-5]\d\d)(?:([ -])(.*))?$/s;
const _MARKED =
  /(?:\bsaid|\bsays|\breturned|\bresponse(?: was)?|\breply(?: was)?|\banswered|\berror|diagnostic-code|<<<)\s*:?\s*(?:smtp;\s*)?['"]?([2-5]\d\d)([ -]|$)(.*)$/is;
const _ENHANCED_AFTER = /(?:^|[\s:;(\[<>'"])([2-5]\d\d)([ -])([245]\.\d{1,3}\.\d{1,3}\b.*)$/s;

const _STAGES: readonly { stage: ReplyStage; text: RegExp }[] = [
  { stage: "rcpt", text: /\b(?:in reply to|after) rcpt to\b|\brcpt to:?\s*<[^>]{0,256}>\s*:|\breject: rcpt from\b/i },
  {
    stage: "data",
    text:
      /\b(?:in reply to|after) (?:end of data|data)\b|\bafter (?:the )?end of data\b|\breject: (?:data|end-of-message) from\b/i,
  },
  { stage: "mail", text: /\b(?:in reply to|after) mail from\b|\breject: mail from\b/i },
  { stage: "starttls", text: /\b(?:in reply to|after) starttls\b/i },
  { stage: "auth", text: /\b(?:in reply to|after) auth\b/i },
  { stage: "ehlo", text: /\b(?:in reply to|after) (?:ehlo|helo|lhlo)\b/i },
  {
    stage: "greeting",
    text: /\b(?:after|during) (?:initial connection|connect|the greeting)|\bin reply to (?:the )?greeting|\bbanner\b/i,
  },
];

interface _Open {
  code: number;
  lines: string[];
  source: string[];
  /** True while the last line had the "-" separator (more lines of the same reply follow). */
  continues: boolean;
}

/** Finds the start of a reply in one line: its code, separator and text, or undefined. */
function _start(line: string): { code: number; sep: string; text: string } | undefined {
  const m = _BARE.exec(line) ?? _MARKED.exec(line) ?? _ENHANCED_AFTER.exec(line);
  if (!m) return undefined;
  let text = (m[3] ?? "").replace(/['"]\.?\s*$/, "");
  // A log line wraps the reply in parentheses: "status=bounced (host … said: 550 … (in reply to RCPT TO command))".
  const opened = (text.match(/\(/g) ?? []).length;
  const closed = (text.match(/\)/g) ?? []).length;
  if (closed > opened && text.endsWith(")")) text = text.slice(0, -1);
  return { code: Number(m[1]), sep: m[2] === "-" ? "-" : " ", text };
}

/** The stage a reply's surrounding text names. */
export function stageNamed(text: string): ReplyStage | undefined {
  return _STAGES.find((s) => text.search(s.text) !== -1)?.stage;
}

/** Every reply in `input`, in order (at most MAX_REPLIES). */
export function parseReplies(input: string): FoundReply[] {
  const found: FoundReply[] = [];
  let open: _Open | undefined;
  const close = () => {
    if (!open || found.length >= MAX_REPLIES) return void (open = undefined);
    const raw = open.lines.map((t, i) => `${open!.code}${i < open!.lines.length - 1 ? "-" : " "}${t}`);
    const source = open.source.join(" ").replace(/\s+/g, " ").trim();
    const stage = stageNamed(source);
    found.push({ reply: toReply(open.code, raw), source, ...(stage ? { stage } : {}) });
    open = undefined;
  };
  for (const full of input.split(/\r\n|\r|\n/)) {
    if (found.length >= MAX_REPLIES) break;
    const line = full.length > _MAX_LINE ? full.slice(0, _MAX_LINE) : full;
    const start = _start(line);
    if (open && start && open.continues && start.code === open.code && open.lines.length < _MAX_LINES_PER_REPLY) {
      open.lines.push(start.text);
      open.source.push(line);
      open.continues = start.sep === "-";
      continue;
    }
    if (start) {
      close();
      open = { code: start.code, lines: [start.text], source: [line], continues: start.sep === "-" };
      continue;
    }
    // Logs and bounces wrap a long reply onto indented lines; a blank line ends it.
    if (
      open && line.trim() !== "" && (/^\s/.test(line) || open.continues) && open.lines.length < _MAX_LINES_PER_REPLY
    ) {
      const last = open.lines.length - 1;
      open.lines[last] = `${open.lines[last]} ${line.trim()}`;
      open.source.push(line);
      continue;
    }
    close();
  }
  close();
  return found;
}
