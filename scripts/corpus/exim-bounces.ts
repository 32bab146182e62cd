/**
 * Generates real Exim bounces on loopback for the bounce corpus
 * (test/data/bounces/exim/). Exim 4 from Debian is not installed (its
 * package conflicts with postfix): `apt-get download exim4-daemon-light
 * exim4-base libidn12` and `dpkg -x` them into a folder, and pass that
 * folder as EXIM_ROOT. Exim needs the system user `Debian-exim` (compiled
 * in). The receiving side is a private Postfix (scripts/corpus/
 * postfix-bounces.ts), so Exim words the bounces and Postfix the rejections.
 *
 * Scenarios: unknown user, relay denied, message too large, host not found,
 * expired after deferrals (retry rule F,4s,1s), mailbox full (appendfile
 * quota on Exim's own local delivery).
 *
 *   EXIM_ROOT=/tmp/exim-root npx tsx scripts/corpus/exim-bounces.ts [OUT_DIR]
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { copyMaildirBounce } from "./collect.ts";
import { freePort, postfixPeerMissing, renderTemplate } from "../peers/postfix/peer.ts";
import {
  corpusMessage,
  type CorpusPostfix,
  postfixCommand,
  RECEIVER_HEADER_CHECKS,
  RECEIVER_SCENARIOS,
  receiverSettings,
  sendOnce,
  startCorpusPostfix,
} from "./postfix-bounces.ts";

const _HERE = path.dirname(fileURLToPath(import.meta.url));
const _ROOT = path.resolve(_HERE, "../..");
const _sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const eximRoot = process.env.EXIM_ROOT;
  if (!eximRoot || !existsSync(path.join(eximRoot, "usr/sbin/exim4"))) {
    throw new Error(
      "set EXIM_ROOT to a folder where exim4-daemon-light, exim4-base and libidn12 were unpacked (dpkg -x)",
    );
  }
  const missing = postfixPeerMissing();
  if (missing) throw new Error(`cannot start the receiving Postfix: ${missing}`);
  const out = path.resolve(process.argv[2] ?? path.join(_ROOT, "test/data/bounces/exim"));
  mkdirSync(out, { recursive: true });
  const dir = path.join(os.tmpdir(), `smtpilot-exim-corpus-${process.pid}`);
  for (const d of ["", "spool", "log", "mail"]) mkdirSync(path.join(dir, d), { recursive: true, mode: 0o755 });
  execFileSync("chown", [
    "-R",
    "Debian-exim:Debian-exim",
    path.join(dir, "spool"),
    path.join(dir, "log"),
    path.join(dir, "mail"),
  ]);
  const uid = execFileSync("id", ["-u", "nobody"], { encoding: "utf8" }).trim();
  const gid = execFileSync("id", ["-g", "nobody"], { encoding: "utf8" }).trim();
  const [eximPort, receiverPort] = [await freePort(), await freePort()];
  let exim: ChildProcess | undefined;
  let receiver: CorpusPostfix | undefined;
  try {
    const headerChecks = path.join(dir, "header_checks");
    writeFileSync(headerChecks, `${RECEIVER_HEADER_CHECKS}\n`);
    receiver = startCorpusPostfix(
      dir,
      "receiver",
      receiverPort,
      receiverSettings(`exim.test=smtp:[127.0.0.1]:${eximPort}`, uid, gid, headerChecks),
    );
    const conf = path.join(dir, "exim.conf");
    const template = readFileSync(path.join(_HERE, "exim.conf.tmpl"), "utf8");
    writeFileSync(
      conf,
      renderTemplate(template, {
        PORT: String(eximPort),
        RECEIVER_PORT: String(receiverPort),
        DIR: dir,
        EXIM_PATH: path.join(eximRoot, "usr/sbin/exim4"),
      }),
    );
    chmodSync(conf, 0o644);
    const env = { ...process.env, LD_LIBRARY_PATH: path.join(eximRoot, "usr/lib/x86_64-linux-gnu") };
    exim = spawn(path.join(eximRoot, "usr/sbin/exim4"), ["-C", conf, "-bdf", "-q1s"], { env, stdio: "inherit" });
    await _sleep(1500);

    const scenarios = [
      ...RECEIVER_SCENARIOS,
      { name: "mailbox-full", to: "full@exim.test", extra: 12_000 },
    ];
    const inbox = path.join(dir, "mail", "app", "new");
    const seen = new Set<string>();
    for (const s of scenarios) {
      const id = `corpus-exim-${s.name}`;
      const replies = await sendOnce(eximPort, "app@exim.test", s.to, corpusMessage(s.to, s.name, id, s.extra ?? 0));
      process.stderr.write(`${s.name}: ${replies.slice(2, 4).join(" | ")}\n`);
      await copyMaildirBounce(inbox, out, s.name, id, seen, 90_000);
    }
  } finally {
    if (exim && exim.exitCode === null) {
      const exited = new Promise((r) => exim!.once("exit", r));
      exim.kill("SIGTERM");
      await exited;
    }
    if (receiver) {
      try {
        postfixCommand(receiver.etc, "stop");
      } catch { /* already stopped */ }
    }
    await _sleep(500);
    if (process.env.SMTPILOT_CORPUS_KEEP) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
});
