/**
 * What each process exit code means, as the table in docs/codes.md says it
 * (generated from this list by `npm run docs`). The numbers come from
 * core/exit.ts and the layers' codes from core/report.ts, so a renumbered
 * code cannot leave the table behind.
 */
import {
  EXIT_BROKEN_PIPE,
  EXIT_ENVIRONMENT,
  EXIT_FINDINGS,
  EXIT_GATE,
  EXIT_INTERNAL,
  EXIT_OK,
  EXIT_SIGNAL_BASE,
  EXIT_USAGE,
} from "../exit.ts";
import { EXIT_CODES } from "../report.ts";

/** One row: the code (or codes, for the signals) and what a script may conclude from it. */
export interface ExitCodeEntry {
  codes: readonly number[];
  meaning: string;
}

/** Signal numbers as shells report them (128 + n). */
const _SIGINT = 2;
const _SIGTERM = 15;
const _SIGHUP = 1;

/** Every exit code, the shared ones first, then diagnose's per-layer codes in layer order. */
export const EXIT_CODE_TABLE: readonly ExitCodeEntry[] = [
  { codes: [EXIT_OK], meaning: "ok: pass (warnings allowed); only ever after a result was printed" },
  {
    codes: [EXIT_FINDINGS],
    meaning:
      "a check found a problem: `domain`/`align` an error finding, `preflight` an alignment error, `verify` spam, bounced or missing, a scale send with refused recipients or stopped early",
  },
  { codes: [EXIT_USAGE], meaning: "usage error: a bad flag or value, named in the message" },
  {
    codes: [EXIT_ENVIRONMENT],
    meaning:
      "environment error: a port in use, a missing folder, an unreadable file, no DNS answer, a memory file that does not parse, a canary mailbox that cannot be reached (`E_IMAP`)",
  },
  { codes: [EXIT_GATE], meaning: "refused by a safety gate: nothing was sent" },
  { codes: [EXIT_INTERNAL], meaning: "internal error: a bug in smtpilot or a plugin — please report it" },
  {
    codes: [EXIT_SIGNAL_BASE + _SIGINT, EXIT_SIGNAL_BASE + _SIGTERM, EXIT_SIGNAL_BASE + _SIGHUP],
    meaning:
      "stopped by Ctrl-C (also at a prompt: `E_INTERRUPTED`), SIGTERM, SIGHUP (after cleaning up; a list send first prints and logs its summary). Ctrl-D at a prompt closes it: `E_PROMPT_CLOSED` (2), a decline at a send's confirmation (4)",
  },
  { codes: [EXIT_BROKEN_PIPE], meaning: "the reader closed the output (`… | head`): a quiet stop" },
  ...Object.entries(EXIT_CODES).map(([layer, code]) => ({ codes: [code], meaning: `failed at ${layer}` })),
];
