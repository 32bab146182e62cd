/**
 * Generates real Postfix bounces in more configurations for the bounce
 * corpus (test/data/bounces/postfix-configs/): Postfix 3.7 from Debian is
 * the sending MTA against the scripted receiver of scripts/corpus/harness.ts
 * (refusals at the greeting, after MAIL FROM, at RCPT TO and after end of
 * DATA), plus its own local deliveries — an alias to a program that fails,
 * an alias to a mailbox file that cannot be written — a destination that requires TLS and a server that
 * offers none, a connection refused, and mail routed back to itself (a
 * loop). maximal_queue_lifetime = 0 turns every temporary failure into a
 * bounce at once.
 *
 * Needs root and Postfix (as the peer). Run:
 *   npx tsx scripts/corpus/postfix-configs.ts [OUT_DIR]
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { postfixPeerMissing } from "../peers/postfix/peer.ts";
import {
  expecting,
  HOSTS,
  routes,
  type Scenario,
  scenarioMessage,
  scenarios,
  selected,
  startRig,
  submit,
} from "./harness.ts";
import { writeCorpusFile } from "./manifest.ts";
import { type CorpusPostfix, postfixCommand, startCorpusPostfix } from "./postfix-bounces.ts";

const _ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Where Postfix's bounce says something else than the receiver's refusal. */
const _SAYS: Record<string, Record<string, string>> = {};

function _local(): Scenario[] {
  const one = (name: string, to: string, reason: string): Scenario => ({
    name,
    from: "app@sender.test",
    to: [to],
    subject: name,
    expect: { [to]: reason },
  });
  return [
    one("local-program-fails", "pipefail@local.sender.test", "mailererror"),
    one("local-file-unwritable", "filefail@local.sender.test", "systemerror"),
    one("tls-required-not-offered", "someone@tlsreq.rcpt.test", "failedstarttls"),
    one("connection-refused-expired", "someone@closed.rcpt.test", "expired"),
    one("loops-back-to-myself", "someone@loop.test", "systemerror"),
  ];
}

async function main(): Promise<void> {
  const missing = postfixPeerMissing();
  if (missing) throw new Error(`cannot generate the Postfix corpus: ${missing}`);
  const out = path.resolve(process.argv[2] ?? path.join(_ROOT, "test/data/bounces/postfix-configs"));
  fs.mkdirSync(out, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-postfix-configs-"));
  fs.chmodSync(dir, 0o755);
  const uid = execFileSync("id", ["-u", "nobody"], { encoding: "utf8" }).trim();
  const gid = execFileSync("id", ["-g", "nobody"], { encoding: "utf8" }).trim();
  const rig = await startRig();
  const listen = "127.0.0.8";
  let instance: CorpusPostfix | undefined;
  try {
    const big = path.join(dir, "big-mailbox");
    fs.writeFileSync(big, `From x\n${"y".repeat(4000)}\n`);
    fs.chownSync(big, Number(uid), Number(gid));
    const transports = Object.entries(routes()).filter(([d]) => d !== "sender.test")
      .map(([d, host]) => `${d}=smtp:[${host}]:${rig.port}`);
    transports.push(
      `tlsreq.rcpt.test=tlsenc:[${HOSTS.receiver}]:${rig.port}`,
      `loop.test=smtp:[${listen}]:${rig.port}`,
    );
    const aliases = [`{pipefail=|/bin/false}`, `{filefail=/nonexistent/folder/mbox}`, `{quota=${big}}`];
    instance = startCorpusPostfix(dir, "sender", rig.port, {
      hostname: "mta.sender.test",
      domain: "sender.test",
      mynetworks: "127.0.0.0/8",
      mailboxes: "@sender.test=app/",
      mailboxLimit: "0",
      sizeLimit: "10240000",
      // A client transport that insists on TLS (smtp_tls_security_level=encrypt), as a policy for one domain would.
      master: "tlsenc    unix  -  -  n  -      -  smtp -o smtp_tls_security_level=encrypt\n",
      transports: transports.join(", "),
      recipientRestrictions: "",
      uid,
      gid,
      // Its own address (the rig holds 127.0.0.1-5 on this port); loop.test, routed here, comes back to itself.
      listen,
      extra: [
        "mydestination = local.sender.test",
        `alias_maps = inline:{ ${aliases.join(", ")} }`,
        "local_recipient_maps =",
        "default_privs = nobody",
        "mailbox_size_limit = 0",
        "relay_domains = loop.test",
      ].join("\n"),
    });
    await new Promise((r) => setTimeout(r, 1500));
    const inbox = path.join(instance.mail, "app", "new");
    for (const s of selected([...scenarios(), ..._local()]).map((s) => expecting(s, _SAYS))) {
      const marker = `corpus-postfix-${s.name}`;
      const replies = await submit(listen, rig.port, s.from, s.to, scenarioMessage(s, marker));
      process.stderr.write(`${s.name}: ${replies.slice(-2, -1).join(" ").slice(0, 100)}\n`);
      let bounce: Buffer | undefined;
      for (let i = 0; i < 120 && !bounce; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const files = fs.existsSync(inbox) ? fs.readdirSync(inbox) : [];
        const hit = files.map((f) => fs.readFileSync(path.join(inbox, f))).find((b) => b.includes(marker));
        if (hit) bounce = hit;
      }
      if (!bounce) {
        process.stderr.write(`${s.name}: no bounce arrived\n`);
        continue;
      }
      writeCorpusFile(out, "postfix", s, bounce);
    }
  } finally {
    if (instance) {
      try {
        postfixCommand(instance.etc, "stop");
      } catch { /* already stopped */ }
    }
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
