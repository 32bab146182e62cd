/**
 * Generates real OpenSMTPD bounces for the bounce corpus
 * (test/data/bounces/opensmtpd/). Debian's OpenSMTPD 6.8, unpacked
 * privately by scripts/peers/opensmtpd/fetch.sh, runs in the foreground
 * with a configuration written here: it listens on 127.0.0.6 at the rig's
 * port (scripts/corpus/harness.ts), relays each rig domain to its loopback
 * address, hands one local address to an MDA that fails, and keeps a
 * message at most a few seconds in its queue, so the scripted receiver's
 * refusals, a failing program and a closed port all come back as
 * OpenSMTPD's own bounces.
 *
 * Needs root (OpenSMTPD's queue is /var/spool/smtpd, compiled in). Run:
 *   npx tsx scripts/corpus/opensmtpd-bounces.ts [OUT_DIR]
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { collectRigBounces, localFailureScenarios } from "./collect.ts";
import { expecting, routes, type Scenario, scenarios, selected, startRig } from "./harness.ts";

const _ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const _LISTEN = "127.0.0.6";

function _conf(port: number): string {
  const lines = [
    `listen on ${_LISTEN} port ${port} hostname mta.opensmtpd.test`,
    "queue ttl 4s",
    'table locals { "pipefail@local.sender.test" = nobody }',
    'action "mda-fails" mda "/bin/sh -c \'exit 75\'" virtual <locals>',
  ];
  const matches = [
    'match from any for domain "local.sender.test" rcpt-to "pipefail@local.sender.test" action "mda-fails"',
  ];
  for (const [i, [domain, host]] of Object.entries(routes()).entries()) {
    lines.push(`action "route${i}" relay host smtp://${host}:${port}`);
    matches.push(`match from any for domain "${domain}" action "route${i}"`);
  }
  return [...lines, ...matches].join("\n") + "\n";
}

/**
 * Where OpenSMTPD's bounce says something else than the receiver's refusal:
 * a refusal at the greeting is retried as a network error until the queue
 * lifetime ends, and the report then says "Envelope expired".
 */
const _SAYS: Record<string, Record<string, string>> = {
  "greeting-g-block": { "someone@g-block.rcpt.test": "expired" },
  "greeting-g-ptr": { "someone@g-ptr.rcpt.test": "expired" },
};

function _localScenarios(): Scenario[] {
  // The MDA command runs through OpenSMTPD's mail.mda wrapper, which Debian's package lacks when
  // unpacked privately: the report quotes the shell's error, a local delivery program failing.
  return localFailureScenarios("pipefail@local.sender.test", "local-mda-fails");
}

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join(_ROOT, "test/data/bounces/opensmtpd"));
  fs.mkdirSync(out, { recursive: true });
  const smtpd = execFileSync(path.join(_ROOT, "scripts/peers/opensmtpd/fetch.sh"), { encoding: "utf8" }).trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-opensmtpd-"));
  const rig = await startRig();
  let daemon: ChildProcess | undefined;
  try {
    const conf = path.join(dir, "smtpd.conf");
    fs.writeFileSync(conf, _conf(rig.port), { mode: 0o600 });
    daemon = spawn(smtpd, ["-d", "-f", conf], { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    daemon.stderr?.on("data", (b: Buffer) => (log += b.toString()));
    for (let i = 0; i < 50 && !/smtp ready|startup/i.test(log); i++) await new Promise((r) => setTimeout(r, 200));
    await collectRigBounces(
      {
        family: "opensmtpd",
        host: _LISTEN,
        port: rig.port,
        rig,
        out,
        timeoutMs: 40_000,
        log: () => log,
        summary: (replies) => replies.slice(2).join(" | "),
      },
      selected([...scenarios(), ..._localScenarios()]).map((s) => expecting(s, _SAYS)),
    );
  } finally {
    daemon?.kill("SIGTERM");
    await rig.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  });
}
