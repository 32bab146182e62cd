/**
 * The memory folder's layout: where it is (`--home DIR`, else
 * `SMTPILOT_HOME`, else `~/smtp`), its four Markdown files and the text
 * `smtpilot init` writes into each — prose for the person who opens them and
 * the fenced blocks smtpilot reads.
 */
import os from "node:os";
import path from "node:path";

/** The memory files, by role. */
export const MEMORY_FILES = {
  memory: "memory.md",
  profiles: "provider-profiles.md",
  sendLog: "send-log.md",
  notes: "deliverability-notes.md",
} as const;

/** A memory file's role. */
export type MemoryFileRole = keyof typeof MEMORY_FILES;

/** Block tags, one per kind of machine-read block. */
export const BLOCK_TAGS = {
  memory: "smtpilot:memory",
  profile: "smtpilot:profile",
  sendLog: "smtpilot:send-log",
  note: "smtpilot:note",
} as const;

/** Folder of append-only journals (one JSON line per recipient of a scale run). */
export const JOURNAL_DIR = "journal";

/**
 * The memory folder for this run: `--home`, else `SMTPILOT_HOME`, else
 * `~/smtp`; `~` expanded, made absolute.
 */
export function resolveHome(
  home: string | undefined,
  env: Record<string, string | undefined> = process.env,
  homedir: string = os.homedir(),
): string {
  const chosen = home ?? (env.SMTPILOT_HOME ? env.SMTPILOT_HOME : path.join(homedir, "smtp"));
  const expanded = chosen === "~" || chosen.startsWith("~/") ? homedir + chosen.slice(1) : chosen;
  return path.resolve(expanded);
}

const _NEVER_SECRETS = "Never put a password or token in these files: profiles hold a secret *reference* " +
  "(`env:NAME`, `dotenv:FILE#KEY`, `cmd:COMMAND` or `prompt`), resolved only when it is used. smtpilot refuses " +
  "to read a file that holds a secret value.";

/** The text `smtpilot init` writes for each file (a file that exists is never overwritten). */
export function initialText(role: MemoryFileRole, now: Date): string {
  const date = now.toISOString().slice(0, 10);
  switch (role) {
    case "memory":
      return `# smtpilot memory

Created by \`smtpilot init\` on ${date}. This folder is what smtpilot knows and what it is allowed to do.
You can read and edit every file; smtpilot reads only the fenced \`yaml smtpilot:…\` blocks and keeps
everything else as you wrote it. \`smtpilot status\` shows a summary.

${_NEVER_SECRETS}

## Settings

- **status** — \`initialised\`, then \`active\` once a profile passed \`smtpilot profile check\`.
- **approvedProviders** — providers sends may go through (\`smtpilot profile add\` adds its provider).
- **canaries** — recipients you control, the only ones a canary send may reach.
- **senderDomains** — domains you send as.
- **safety** — canary freshness window (hours), most recipients per batch, default send rate
  (messages per minute), whether recipients are masked in send-log.md.
- **plugins** — plugin files loaded on every run, like \`--plugin\` (relative to this folder).

\`\`\`yaml ${BLOCK_TAGS.memory}
version: 1
status: initialised
approvedProviders: []
canaries: []
senderDomains: []
safety:
  canaryFreshnessHours: 24
  maxRecipientsPerBatch: 50
  sendRatePerMinute: 20
  maskRecipientsInLogs: true
plugins: []
\`\`\`
`;
    case "profiles":
      return `# Provider profiles

Known-good SMTP submission profiles, one section each: host, port, TLS mode, the name the certificate
must match (\`servername\`), a private CA file (\`ca\`), EHLO name, auth mechanism, user, a secret
reference, sender identities, provider, and the last check's verdict. Add one with
\`smtpilot profile add NAME\`; check it with \`smtpilot profile check NAME\`. Notes you write under a
profile's block stay with it.

${_NEVER_SECRETS}
`;
    case "sendLog":
      return `# Send log

Dry runs, canaries, queue ids, message ids and verification evidence, newest last. smtpilot only
appends here; each entry is a heading and a \`yaml ${BLOCK_TAGS.sendLog}\` block. A \`250\` reply
means "accepted by the server", never "delivered".
`;
    case "notes":
      return `# Deliverability notes

DNS authentication findings (SPF, DKIM, DMARC), spam-folder evidence and bounce patterns, newest last.
Write your own notes anywhere; smtpilot appends entries as \`yaml ${BLOCK_TAGS.note}\` blocks.
`;
  }
}
