/**
 * The loop every bounce generator runs once its MTA is up: submit a scenario's message, wait for the
 * bounce it provokes, write it into the corpus. Two places a bounce can arrive:
 * - the rig (harness.ts) catches it over SMTP — Haraka, OpenSMTPD, Sendmail send bounces onward;
 * - a maildir — Postfix and Exim deliver the bounce to the local sender's mailbox.
 * Each generator keeps what is its own (how to start the MTA, how to submit, how long a bounce takes).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Rig, type Scenario, scenarioMessage, submit } from "./harness.ts";
import { writeCorpusFile } from "./manifest.ts";

const _POLL_MS = 500;

/**
 * Waits for a file in `inbox` (a maildir's new/ folder) that holds `marker` and is not in `seen`;
 * adds it to `seen` and returns its name, or undefined after `timeoutMs`.
 */
export async function waitForMaildirFile(
  inbox: string,
  marker: string,
  seen: Set<string>,
  timeoutMs: number,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, _POLL_MS));
    const fresh = existsSync(inbox) ? readdirSync(inbox).filter((f) => !seen.has(f)) : [];
    const file = fresh.find((f) => readFileSync(path.join(inbox, f), "latin1").includes(marker));
    if (file) {
      seen.add(file);
      return file;
    }
  }
  return undefined;
}

/** Waits for the bounce holding `marker` in `inbox` and copies it to `<out>/<name>.eml`; false if none came. */
export async function copyMaildirBounce(
  inbox: string,
  out: string,
  name: string,
  marker: string,
  seen: Set<string>,
  timeoutMs: number,
): Promise<boolean> {
  const file = await waitForMaildirFile(inbox, marker, seen, timeoutMs);
  if (!file) {
    process.stderr.write(`  no bounce arrived for ${name}\n`);
    return false;
  }
  const target = path.join(out, `${name}.eml`);
  writeFileSync(target, readFileSync(path.join(inbox, file)));
  process.stderr.write(`  wrote ${target}\n`);
  return true;
}

/** How a generator whose MTA listens for submissions hands each scenario to it. */
export interface RigRun {
  /** The family written into the manifest and the marker's prefix (`corpus-<family>-<scenario>`). */
  family: string;
  /** Where the MTA listens for submissions. */
  host: string;
  port: number;
  rig: Rig;
  out: string;
  /** How long a bounce may take to reach the rig. */
  timeoutMs: number;
  /** The MTA's log so far, shown when a bounce does not come. */
  log(): string;
  /** The part of the submission's replies worth a line on stderr. */
  summary(replies: string[]): string;
}

/** Submits each scenario to the MTA, waits for its bounce at the rig and writes it into the corpus. */
export async function collectRigBounces(run: RigRun, list: readonly Scenario[]): Promise<void> {
  for (const s of list) {
    const marker = `corpus-${run.family}-${s.name}`;
    const replies = await submit(run.host, run.port, s.from, s.to, scenarioMessage(s, marker));
    process.stderr.write(`${s.name}: ${run.summary(replies).replace(/\s+/g, " ").slice(0, 160)}\n`);
    const bounce = await run.rig.waitFor(marker, run.timeoutMs);
    if (!bounce) {
      process.stderr.write(`${s.name}: no bounce arrived\n${run.log().slice(-3000)}\n`);
      continue;
    }
    writeCorpusFile(run.out, run.family, s, bounce);
  }
}

/**
 * The two scenarios that need no receiving server, for MTAs that deliver locally: a local delivery
 * program that fails (`program` is an address routed to `/bin/sh -c 'exit 1'` or the like) and a
 * closed port that ends in an expired-delivery bounce.
 */
export function localFailureScenarios(program: string, programName: string): Scenario[] {
  return [
    {
      name: programName,
      from: "app@sender.test",
      to: [program],
      subject: "local program",
      expect: { [program]: "mailererror" },
    },
    {
      name: "connection-refused-expired",
      from: "app@sender.test",
      to: ["someone@closed.rcpt.test"],
      subject: "closed port",
      expect: { "someone@closed.rcpt.test": "expired" },
    },
  ];
}
