/**
 * Generates real Sendmail bounces for the bounce corpus
 * (test/data/bounces/sendmail/). Debian's sendmail 8.17, unpacked privately
 * by scripts/peers/sendmail/fetch.sh, runs from the command line with a
 * configuration built here from its own m4 kit: every domain of the rig
 * (scripts/corpus/harness.ts) is routed through a mailertable to its
 * loopback address, so the scripted receiver refuses each scenario at its
 * stage and Sendmail words the bounce, which it mails back to the rig's
 * catcher. Local scenarios go through Sendmail's own local and prog
 * mailers: an unknown local user, an alias to a program that fails.
 *
 * Needs root. Run:
 *   npx tsx scripts/corpus/sendmail-bounces.ts [OUT_DIR]
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { routes, type Scenario, scenarioMessage, scenarios, startRig } from "./harness.ts";
import { localFailureScenarios } from "./collect.ts";
import { writeCorpusFile } from "./manifest.ts";

const _ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function _sendmailRoot(): string {
  const bin = execFileSync(path.join(_ROOT, "scripts/peers/sendmail/fetch.sh"), { encoding: "utf8" }).trim();
  return path.resolve(path.dirname(bin), "../../..");
}

function _mc(root: string, dir: string, port: number): string {
  const cf = path.join(root, "usr/share/sendmail/cf");
  return `divert(-1)
include(\`${cf}/m4/cf.m4')
VERSIONID(\`smtpilot bounce corpus')
OSTYPE(\`linux')
define(\`confDOMAIN_NAME', \`mta.sender.test')
define(\`confDONT_PROBE_INTERFACES', \`True')
define(\`confSERVICE_SWITCH_FILE', \`${dir}/service.switch')
define(\`confHOSTS_FILE', \`${dir}/hosts')
define(\`QUEUE_DIR', \`${dir}/queue')
define(\`STATUS_FILE', \`${dir}/statistics')
define(\`ALIAS_FILE', \`${dir}/aliases')
define(\`confPID_FILE', \`${dir}/sendmail.pid')
define(\`confDEF_USER_ID', \`nobody:nogroup')
define(\`confTO_QUEUERETURN', \`1s')
define(\`confTO_QUEUEWARN', \`1h')
define(\`confTO_CONNECT', \`5s')
define(\`confCON_EXPENSIVE', \`False')
define(\`confPRIVACY_FLAGS', \`authwarnings')
define(\`confDONT_BLAME_SENDMAIL', \`MapInUnsafeDirPath,TrustStickyBit')
define(\`ESMTP_MAILER_ARGS', \`TCP $h ${port}')
define(\`SMTP_MAILER_ARGS', \`TCP $h ${port}')
define(\`RELAY_MAILER_ARGS', \`TCP $h ${port}')
define(\`LOCAL_MAILER_PATH', \`${root}/usr/libexec/sendmail/mail.local')
FEATURE(\`mailertable', \`hash -o ${dir}/mailertable')
FEATURE(\`nocanonify')
FEATURE(\`accept_unresolvable_domains')
MAILER(\`local')
MAILER(\`smtp')
`;
}

/**
 * Arguments for `unshare` that run Sendmail with a fully qualified host
 * name of its own (a private UTS namespace): a machine whose name does not
 * resolve makes Sendmail wait 60 seconds at every start.
 */
function _qualified(sendmail: string, args: string[]): string[] {
  const quoted = [sendmail, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  return ["--uts", "sh", "-c", `hostname mta.sender.test && exec ${quoted}`];
}

/** Runs `unshare ARGS` with `input` on stdin; resolves with its exit code. */
function _run(args: string[], options: { input?: string } = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = execFile("unshare", args, { timeout: 120_000 }, (err) => {
      resolve(err ? Number((err as { code?: unknown }).code ?? 1) : 0);
    });
    child.stdin?.end(options.input ?? "");
  });
}

/** Local scenarios: Sendmail's own mailers decide, no server involved. */
function _localScenarios(): Scenario[] {
  return [
    {
      name: "local-unknown-user",
      from: "app@sender.test",
      to: ["no-such-user@mta.sender.test"],
      subject: "local unknown",
      expect: { "no-such-user@mta.sender.test": "userunknown" },
    },
    ...localFailureScenarios("pipefail@mta.sender.test", "local-program-fails"),
  ];
}

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join(_ROOT, "test/data/bounces/sendmail"));
  fs.mkdirSync(out, { recursive: true });
  const root = _sendmailRoot();
  const sendmail = path.join(root, "usr/libexec/sendmail/sendmail");
  // Not under /tmp: Sendmail refuses queue and map files below a world-writable folder.
  const parent = path.join(os.homedir(), ".cache", "smtpilot");
  fs.mkdirSync(parent, { recursive: true, mode: 0o755 });
  const dir = fs.mkdtempSync(path.join(parent, "sendmail-run-"));
  fs.chmodSync(dir, 0o755);
  const rig = await startRig();
  try {
    fs.mkdirSync(path.join(dir, "queue"), { mode: 0o700 });
    fs.writeFileSync(path.join(dir, "service.switch"), "hosts files\naliases files\n");
    fs.writeFileSync(path.join(dir, "hosts"), "127.0.0.1 localhost mta.sender.test\n");
    fs.writeFileSync(path.join(dir, "statistics"), "");
    fs.writeFileSync(path.join(dir, "aliases"), "pipefail: \"|/bin/sh -c 'exit 1'\"\npostmaster: root\n");
    fs.writeFileSync(
      path.join(dir, "mailertable"),
      Object.entries(routes()).map(([domain, host]) => `${domain}\tesmtp:[${host}]`).join("\n") + "\n",
    );
    const cf = path.join(dir, "sendmail.cf");
    fs.writeFileSync(cf, execFileSync("m4", [], { input: _mc(root, dir, rig.port) }));
    execFileSync(path.join(root, "usr/libexec/sendmail/makemap"), ["-C", cf, "hash", path.join(dir, "mailertable")], {
      input: fs.readFileSync(path.join(dir, "mailertable")),
    });
    execFileSync("unshare", _qualified(sendmail, ["-C", cf, "-bi"]), { stdio: "pipe" });

    for (const s of [...scenarios(), ..._localScenarios()]) {
      const marker = `corpus-sendmail-${s.name}`;
      // Asynchronous: the rig that Sendmail talks to runs in this very process.
      const code = await _run(_qualified(sendmail, ["-C", cf, "-odi", "-oi", "-oem", "-f", s.from, "--", ...s.to]), {
        input: scenarioMessage(s, marker),
      });
      process.stderr.write(`${s.name}: sendmail exited ${code}\n`);
      // A deferred recipient (the closed port) waits in the queue; a queue run after Timeout.queuereturn bounces it.
      let bounce = await rig.waitFor(marker, 8_000);
      if (!bounce) {
        await _run(_qualified(sendmail, ["-C", cf, "-q", "-odi"]));
        bounce = await rig.waitFor(marker, 30_000);
      }
      if (!bounce) {
        process.stderr.write(`${s.name}: no bounce arrived\n`);
        continue;
      }
      writeCorpusFile(out, "sendmail", s, bounce);
    }
  } finally {
    await rig.close();
    if (process.env.SMTPILOT_CORPUS_KEEP) process.stderr.write(`kept ${dir}\n`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  });
}
