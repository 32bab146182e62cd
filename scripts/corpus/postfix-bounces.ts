/**
 * Generates real Postfix bounces on loopback for the bounce corpus
 * (test/data/bounces/postfix/). Two private Postfix instances live in one
 * temp dir, like the peer in scripts/peers/postfix/: a sending MTA
 * ("sender.test", which also keeps the bounces it receives in a Maildir) and
 * a receiving MTA ("rcpt.test", with virtual mailboxes, a small message size
 * limit, a mailbox over its size limit and a greylisted recipient). One
 * message per scenario goes through the sender; every bounce that comes back
 * is written out as it arrived.
 *
 * Scenarios: unknown user, mailbox full (virtual_mailbox_limit), relay
 * denied, message too large (message_size_limit), host not found (a .invalid
 * domain through the system resolver; without DNS this one expires
 * instead), expired after a deferral (maximal_queue_lifetime = 0 with a 450
 * reply), and a success DSN (NOTIFY=SUCCESS).
 *
 * Needs root and Postfix >= 3.4 (as the peer). Run:
 *   npx tsx scripts/corpus/postfix-bounces.ts [OUT_DIR]
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { copyMaildirBounce } from "./collect.ts";
import { freePort, PEER_BINARIES, postfixPeerMissing } from "../peers/postfix/peer.ts";

const _ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const _HOST = "127.0.0.1";

const _MASTER = `
{{LISTEN}} inet n - n - - smtpd
pickup    unix  n  -  n  60     1  pickup
cleanup   unix  n  -  n  -      0  cleanup
qmgr      unix  n  -  n  1      1  qmgr
rewrite   unix  -  -  n  -      -  trivial-rewrite
bounce    unix  -  -  n  -      0  bounce
defer     unix  -  -  n  -      0  bounce
trace     unix  -  -  n  -      0  bounce
verify    unix  -  -  n  -      1  verify
flush     unix  n  -  n  1000?  0  flush
proxymap  unix  -  -  n  -      -  proxymap
showq     unix  n  -  n  -      -  showq
error     unix  -  -  n  -      -  error
retry     unix  -  -  n  -      -  error
discard   unix  -  -  n  -      -  discard
smtp      unix  -  -  n  -      -  smtp
relay     unix  -  -  n  -      -  smtp
virtual   unix  -  n  n  -      -  virtual
local     unix  -  n  n  -      -  local
anvil     unix  -  -  n  -      1  anvil
scache    unix  -  -  n  -      1  scache
postlog   unix-dgram n  -  n  -  1  postlogd
`;

function _mainCf(o: Record<string, string>): string {
  return `compatibility_level = 3.6
config_directory = ${o.etc}
queue_directory = ${o.spool}
data_directory = ${o.data}
maillog_file = ${o.log}
maillog_file_prefixes = ${o.dir}
syslog_name = smtpilot-corpus-${o.name}
inet_interfaces = ${o.listen ? "all" : "127.0.0.1"}
inet_protocols = ipv4
smtpd_peername_lookup = no
myhostname = ${o.hostname}
mydomain = ${o.domain}
myorigin = $mydomain
mydestination =
mynetworks = ${o.mynetworks}
relay_domains =
alias_maps =
alias_database =
local_recipient_maps =
biff = no
virtual_mailbox_domains = ${o.domain}
virtual_mailbox_base = ${o.mail}
virtual_mailbox_maps = inline:{ ${o.mailboxes} }
virtual_uid_maps = static:${o.uid}
virtual_gid_maps = static:${o.gid}
virtual_minimum_uid = 1
virtual_mailbox_limit = ${o.mailboxLimit}
message_size_limit = ${o.sizeLimit}
transport_maps = inline:{ ${o.transports} }
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = ${o.recipientRestrictions}
header_checks = ${o.headerChecks ?? ""}
maximal_queue_lifetime = 0
bounce_queue_lifetime = 0
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
smtp_connect_timeout = 5s
bounce_size_limit = 2000
${o.extra ?? ""}
`;
}

/**
 * What the receiving Postfix refuses, per recipient, worded the way
 * administrators configure such refusals (access maps and header checks):
 * blocklists, disabled or moved mailboxes, SPF, reverse DNS, spam and virus
 * content. Every corpus run sends one message to each.
 */
export const RECEIVER_ACCESS: readonly [string, string][] = [
  ["greylist@rcpt.test", "450 4.7.1 Greylisted, please try again later"],
  ["blocked@rcpt.test", "554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org"],
  ["disabled@rcpt.test", "550 5.2.1 Mailbox disabled, not accepting messages"],
  ["moved@rcpt.test", "550 5.1.6 Mailbox has moved; no forwarding address known"],
  ["spf@rcpt.test", "550 5.7.23 Message rejected due to: SPF fail - not authorized"],
  ["noptr@rcpt.test", "550 5.7.25 Client host rejected: cannot find your reverse hostname, [192.0.2.10]"],
  ["busy@rcpt.test", "452 4.5.3 Error: too many recipients"],
];

/** Header checks of the receiver: the Subject says which content refusal to trigger. */
export const RECEIVER_HEADER_CHECKS = [
  "/^Subject: spam-content/ REJECT 5.7.1 Message content rejected as spam (score 14.2 > 5.0)",
  "/^Subject: virus-content/ REJECT 5.7.1 Virus found: Eicar-Test-Signature",
  "/^Subject: header-syntax/ REJECT 5.6.0 Malformed header: Date header missing or invalid",
].join("\n");

/** The scenarios every sender runs against the receiver, beyond its own. */
export const RECEIVER_SCENARIOS: readonly { name: string; to: string; extra?: number }[] = [
  { name: "user-unknown", to: "nobody-here@rcpt.test" },
  { name: "relay-denied", to: "someone@other.test" },
  { name: "message-too-large", to: "known@rcpt.test", extra: 40_000 },
  { name: "host-not-found", to: "user@no-such-host.invalid" },
  { name: "expired-after-deferral", to: "greylist@rcpt.test" },
  { name: "blocklisted-client", to: "blocked@rcpt.test" },
  { name: "mailbox-disabled", to: "disabled@rcpt.test" },
  { name: "mailbox-moved", to: "moved@rcpt.test" },
  { name: "spf-fail", to: "spf@rcpt.test" },
  { name: "no-reverse-dns", to: "noptr@rcpt.test" },
  { name: "too-many-recipients", to: "busy@rcpt.test" },
  { name: "spam-content", to: "known@rcpt.test" },
  { name: "virus-content", to: "known@rcpt.test" },
  { name: "header-syntax", to: "known@rcpt.test" },
];

/** Settings of the receiving Postfix; `transports` routes the bounces it makes back to the sender. */
export function receiverSettings(
  transports: string,
  uid: string,
  gid: string,
  headerChecks: string,
): Record<string, string> {
  const access = RECEIVER_ACCESS.map(([rcpt, action]) => `{${rcpt}=${action}}`).join(", ");
  return {
    hostname: "mx.rcpt.test",
    domain: "rcpt.test",
    mynetworks: "",
    mailboxes: "known@rcpt.test=known/, full@rcpt.test=full",
    mailboxLimit: "20000",
    sizeLimit: "20000",
    transports,
    recipientRestrictions: `check_recipient_access inline:{ ${access} }`,
    headerChecks: `regexp:${headerChecks}`,
    uid,
    gid,
  };
}

/** A running private Postfix of the corpus scripts. */
export interface CorpusPostfix {
  name: string;
  etc: string;
  mail: string;
  port: number;
}

/** Runs `postfix -c ETC COMMAND`. */
export function postfixCommand(etc: string, command: string): void {
  execFileSync(PEER_BINARIES.postfix, ["-c", etc, command], { stdio: "pipe", timeout: 60_000 });
}

/** Writes main.cf/master.cf for one instance under `dir/name` and starts it on `port`. */
export function startCorpusPostfix(
  dir: string,
  name: string,
  port: number,
  settings: Record<string, string>,
): CorpusPostfix {
  const base = path.join(dir, name);
  const o: Record<string, string> = {
    name,
    dir: base,
    etc: path.join(base, "etc"),
    spool: path.join(base, "spool"),
    data: path.join(base, "data"),
    log: path.join(base, "postfix.log"),
    mail: path.join(base, "mail"),
    ...settings,
  };
  for (const d of [o.etc, o.spool, o.mail]) mkdirSync(d!, { recursive: true, mode: 0o755 });
  execFileSync("chown", ["-R", `${o.uid}:${o.gid}`, o.mail!]);
  writeFileSync(path.join(o.etc!, "main.cf"), _mainCf(o));
  writeFileSync(
    path.join(o.etc!, "master.cf"),
    _MASTER.replace("{{LISTEN}}", `${o.listen ?? _HOST}:${port}`) + (o.master ?? ""),
  );
  postfixCommand(o.etc!, "start");
  return { name, etc: o.etc!, mail: o.mail!, port };
}

/** Sends one message over SMTP (EHLO, MAIL, RCPT, DATA); returns the replies seen. */
export async function sendOnce(
  port: number,
  from: string,
  to: string,
  body: string,
  rcptParams = "",
): Promise<string[]> {
  const socket = net.connect(port, _HOST);
  const replies: string[] = [];
  let buffer = "";
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = /(?:^|\n)(\d{3}) [^\n]*\n/.exec(buffer);
        if (m) {
          const reply = buffer.slice(0, m.index + m[0].length);
          buffer = buffer.slice(m.index + m[0].length);
          socket.off("data", onData);
          replies.push(reply.trim());
          resolve(reply);
        }
      };
      const onData = (b: Buffer) => {
        buffer += b.toString("latin1").replace(/\r\n/g, "\n");
        check();
      };
      socket.on("data", onData);
      socket.once("error", reject);
      check();
    });
  const say = async (line: string) => {
    socket.write(`${line}\r\n`);
    return await next();
  };
  await next();
  await say("EHLO corpus.sender.test");
  await say(`MAIL FROM:<${from}>`);
  await say(`RCPT TO:<${to}>${rcptParams}`);
  const data = await say("DATA");
  if (data.startsWith("354")) await say(`${body.replace(/\n/g, "\r\n")}\r\n.`);
  await say("QUIT");
  socket.destroy();
  return replies;
}

export function corpusMessage(to: string, subject: string, id: string, extraBytes = 0): string {
  const filler = extraBytes > 0 ? `\n${"x".repeat(72)}\n`.repeat(Math.ceil(extraBytes / 74)) : "";
  return `From: App <app@sender.test>\nTo: <${to}>\nSubject: ${subject}\nMessage-ID: <${id}@sender.test>\n` +
    `Date: ${new Date().toUTCString()}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n` +
    `Corpus message for the ${subject} scenario.\n${filler}`;
}

const _sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const missing = postfixPeerMissing();
  if (missing) throw new Error(`cannot generate the Postfix corpus: ${missing}`);
  const out = path.resolve(process.argv[2] ?? path.join(_ROOT, "test/data/bounces/postfix"));
  mkdirSync(out, { recursive: true });
  const dir = path.join(os.tmpdir(), `smtpilot-corpus-${process.pid}`);
  mkdirSync(dir, { mode: 0o755 });
  const uid = execFileSync("id", ["-u", "nobody"], { encoding: "utf8" }).trim();
  const gid = execFileSync("id", ["-g", "nobody"], { encoding: "utf8" }).trim();
  const [portA, portB] = [await freePort(), await freePort()];
  const started: CorpusPostfix[] = [];
  try {
    const headerChecks = path.join(dir, "header_checks");
    writeFileSync(headerChecks, `${RECEIVER_HEADER_CHECKS}\n`);
    const receiver = startCorpusPostfix(
      dir,
      "receiver",
      portB,
      receiverSettings(`sender.test=smtp:[${_HOST}]:${portA}`, uid, gid, headerChecks),
    );
    started.push(receiver);
    // A mailbox already over virtual_mailbox_limit: the next delivery fails with "File too large".
    writeFileSync(path.join(receiver.mail, "full"), `From x\n${"y".repeat(30000)}\n`);
    execFileSync("chown", [`${uid}:${gid}`, path.join(receiver.mail, "full")]);
    const sender = startCorpusPostfix(dir, "sender", portA, {
      hostname: "mta.sender.test",
      domain: "sender.test",
      mynetworks: "127.0.0.0/8",
      mailboxes: "app@sender.test=app/",
      mailboxLimit: "0",
      sizeLimit: "10240000",
      transports: `rcpt.test=smtp:[${_HOST}]:${portB}, other.test=smtp:[${_HOST}]:${portB}`,
      recipientRestrictions: "",
      uid,
      gid,
    });
    started.push(sender);
    await _sleep(1500);

    const scenarios: { name: string; to: string; extra?: number; params?: string }[] = [
      ...RECEIVER_SCENARIOS,
      { name: "mailbox-full", to: "full@rcpt.test" },
      { name: "delivered-notify-success", to: "known@rcpt.test", params: " NOTIFY=SUCCESS" },
    ];
    const inbox = path.join(sender.mail, "app", "new");
    const seen = new Set<string>();
    for (const s of scenarios) {
      const id = `corpus-${s.name}`;
      const replies = await sendOnce(
        portA,
        "app@sender.test",
        s.to,
        corpusMessage(s.to, s.name, id, s.extra),
        s.params,
      );
      process.stderr.write(`${s.name}: ${replies.slice(2, 4).join(" | ")}\n`);
      await copyMaildirBounce(inbox, out, s.name, id, seen, 60_000);
    }
  } finally {
    for (const i of started.reverse()) {
      try {
        postfixCommand(i.etc, "stop");
      } catch { /* already stopped */ }
    }
    await _sleep(500);
    if (process.env.SMTPILOT_CORPUS_KEEP) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
