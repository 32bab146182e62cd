/**
 * The shared rig of the corpus generators that run a real MTA as the
 * sender: a scripted receiving server that refuses each scenario at its
 * stage (greeting, MAIL FROM, RCPT TO, end of DATA) with the wording
 * servers use, and a catcher that keeps the bounces the MTA sends back.
 * The MTA under test writes the bounces; this rig only makes it fail in
 * known ways. Everything listens on 127.0.0.1 and stops with the run.
 *
 * Every server listens on the same port, each on its own loopback address
 * (HOSTS), so an MTA that can set only one SMTP port for all its
 * deliveries (Sendmail, OpenSMTPD) still reaches each: route `rcpt.test`
 * to HOSTS.receiver, each greeting-refusal domain to its host, `sender.test`
 * to HOSTS.catcher, and `closed.rcpt.test` to HOSTS.closed, where nothing
 * listens.
 */
import net from "node:net";
import { SMTPServer, type SMTPServerSession } from "smtp-server";

/** One message the generators send, with the reason each recipient's bounce should carry. */
export interface Scenario {
  name: string;
  from: string;
  to: string[];
  subject: string;
  /** Expected reason per recipient, from what the receiver's reply says. */
  expect: Record<string, string>;
}

/** RCPT TO refusals by local part: reply and the reason the wording means. */
export const RCPT_REPLIES: Readonly<Record<string, [number, string, string]>> = {
  unknown: [550, "5.1.1 <{rcpt}>: Recipient address rejected: User unknown in local recipient table", "userunknown"],
  full: [552, "5.2.2 <{rcpt}>: Mailbox full, quota exceeded", "mailboxfull"],
  disabled: [550, "5.2.1 <{rcpt}>: Mailbox disabled, not accepting messages", "suspend"],
  moved: [551, "5.1.6 User has moved; please try <new-home@example.net>", "hasmoved"],
  relay: [554, "5.7.1 <{rcpt}>: Relay access denied", "norelaying"],
  listed: [554, "5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org", "blocked"],
  noptr: [550, "5.7.25 Client host rejected: cannot find your reverse hostname, [127.0.0.1]", "requireptr"],
  spf: [550, "5.7.23 <{rcpt}>: Recipient address rejected: Message rejected due to SPF failure", "authfailure"],
  vague: [550, "5.0.0 <{rcpt}>: Recipient rejected", "userunknown"],
  nullmx: [556, "5.1.10 <{rcpt}>: Recipient address has null MX", "notaccept"],
  noroute: [550, "5.4.4 <{rcpt}>: Unrouteable address", "hostunknown"],
  inactive: [550, "5.2.1 <{rcpt}>: This mailbox has been suspended for inactivity", "suspend"],
  noaccept: [521, "5.3.2 mx.rcpt.test does not accept mail", "notaccept"],
  unable: [550, "5.7.1 Unable to relay for {rcpt}", "norelaying"],
  overquota: [552, "5.2.2 <{rcpt}>: Recipient address rejected: Over quota", "mailboxfull"],
  badsyntax: [553, "5.1.3 <{rcpt}>: Recipient address rejected: bad address syntax", "userunknown"],
  nosuch: [550, "5.1.1 <{rcpt}>... No such user here", "userunknown"],
  relocated: [551, "5.1.6 <{rcpt}>: Mailbox moved, please use new.address@example.net", "hasmoved"],
  spammy: [550, "5.7.1 <{rcpt}>: Recipient address rejected: Your message looks like spam", "spamdetected"],
  spamhaus: [550, "5.7.1 Mail from 127.0.0.1 refused, see http://www.spamhaus.org/query/ip/127.0.0.1", "blocked"],
  authreq: [530, "5.7.0 Authentication required", "securityerror"],
  starttls: [530, "5.7.0 Must issue a STARTTLS command first", "failedstarttls"],
  nohostname: [550, "5.7.1 Client host rejected: cannot find your hostname, [127.0.0.1]", "requireptr"],
  blockedby: [
    550,
    "5.7.1 <{rcpt}>: Recipient address rejected: the recipient has blocked messages from your address",
    "filtered",
  ],
};

/** MAIL FROM refusals by the sender's local part. */
export const MAIL_REPLIES: Readonly<Record<string, [number, string, string]>> = {
  refused: [553, "5.7.1 <{from}>: Sender address rejected: Access denied", "rejected"],
  tlsreq: [530, "5.7.0 Must issue a STARTTLS command first", "failedstarttls"],
  unverified: [550, "5.1.8 <{from}>: Sender address rejected: Domain not found", "rejected"],
};

/** End-of-DATA refusals by a word in the Subject. */
export const DATA_REPLIES: Readonly<Record<string, [number, string, string]>> = {
  spam: [550, "5.7.1 Message content rejected as spam (score 14.2 > 5.0)", "spamdetected"],
  virus: [554, "5.7.1 Virus found: Eicar-Test-Signature", "virusdetected"],
  notrfc: [550, "5.7.1 Messages with multiple addresses in From: header are not accepted", "notcompliantrfc"],
  policy: [554, "5.7.1 Message refused by local policy", "policyviolation"],
  vague: [550, "5.0.0 Message rejected", "filtered"],
  dmarc: [
    550,
    "5.7.26 Unauthenticated email from sender.test is not accepted due to domain's DMARC policy",
    "authfailure",
  ],
};

/** Domains whose server refuses the connection at the greeting: its loopback address, words, reason. */
export const GREETING_DOMAINS: Readonly<Record<string, [string, string, string]>> = {
  "g-block.rcpt.test": ["127.0.0.2", "5.7.1 Client host [127.0.0.1] rejected: access denied by policy", "blocked"],
  "g-ptr.rcpt.test": ["127.0.0.3", "5.7.1 Your IP address has no PTR (reverse DNS) record; go away", "requireptr"],
};

/** Where each server listens (all on the rig's one port). */
export const HOSTS = { receiver: "127.0.0.1", closed: "127.0.0.4", catcher: "127.0.0.5" } as const;

/** Every routed domain and the loopback address it goes to. */
export function routes(): Record<string, string> {
  return {
    "rcpt.test": HOSTS.receiver,
    "other.test": HOSTS.receiver,
    "closed.rcpt.test": HOSTS.closed,
    "sender.test": HOSTS.catcher,
    ...Object.fromEntries(Object.entries(GREETING_DOMAINS).map(([d, [host]]) => [d, host])),
  };
}

/** The scenarios every MTA generator runs (each is one message). */
export function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  const rcpt = Object.keys(RCPT_REPLIES);
  // Several refused recipients in one message: one bounce lists them all.
  out.push({
    name: "rcpt-refusals",
    from: "app@sender.test",
    to: rcpt.map((l) => `${l}@rcpt.test`),
    subject: "rcpt refusals",
    expect: Object.fromEntries(rcpt.map((l) => [`${l}@rcpt.test`, RCPT_REPLIES[l]![2]])),
  });
  for (const [local, [, , reason]] of Object.entries(MAIL_REPLIES)) {
    out.push({
      name: `mail-${local}`,
      from: `${local}@sender.test`,
      to: ["known@rcpt.test"],
      subject: `mail ${local}`,
      expect: { "known@rcpt.test": reason },
    });
  }
  for (const [word, [, , reason]] of Object.entries(DATA_REPLIES)) {
    out.push({
      name: `data-${word}`,
      from: "app@sender.test",
      to: [`data-${word}@rcpt.test`],
      subject: `data ${word}`,
      expect: { [`data-${word}@rcpt.test`]: reason },
    });
  }
  for (const [domain, [, , reason]] of Object.entries(GREETING_DOMAINS)) {
    out.push({
      name: `greeting-${domain.split(".")[0]}`,
      from: "app@sender.test",
      to: [`someone@${domain}`],
      subject: `greeting ${domain}`,
      expect: { [`someone@${domain}`]: reason },
    });
  }
  return out;
}

/** A running rig: its port and the bounces caught so far. */
export interface Rig {
  port: number;
  /** Raw bounces caught, in arrival order. */
  caught: Buffer[];
  /** Resolves with the first caught bounce whose bytes contain `marker`. */
  waitFor(marker: string, timeoutMs?: number): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

const _HOST = "127.0.0.1";

/** A free TCP port on loopback. */
export async function freeLoopbackPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, _HOST, r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function _error(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

function _subjectWord(raw: string): string | undefined {
  const subject = /^subject:\s*data (\w+)/im.exec(raw)?.[1];
  return subject && DATA_REPLIES[subject] ? subject : undefined;
}

function _receiver(): SMTPServer {
  return new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    banner: "mx.rcpt.test ESMTP scripted corpus receiver",
    // Ten refused recipients in one transaction must not count as an unauthenticated client's abuse.
    maxAllowedUnauthenticatedCommands: 1000,
    onMailFrom(address, _session, callback) {
      const r = MAIL_REPLIES[address.address.split("@")[0] ?? ""];
      callback(r ? _error(r[0], r[1].replace("{from}", address.address)) : undefined);
    },
    onRcptTo(address, _session, callback) {
      const r = RCPT_REPLIES[address.address.split("@")[0] ?? ""];
      callback(r ? _error(r[0], r[1].replace("{rcpt}", address.address)) : undefined);
    },
    onData(stream, _session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const word = _subjectWord(Buffer.concat(chunks).toString("latin1"));
        const r = word ? DATA_REPLIES[word] : undefined;
        callback(r ? _error(r[0], r[1]) : undefined);
      });
    },
  });
}

/** Starts the receiver, the greeting refusers and the catcher, all on one free port. */
export async function startRig(): Promise<Rig> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeLoopbackPort();
    const servers: SMTPServer[] = [];
    try {
      return await _startOn(port, servers);
    } catch {
      // The port was free on 127.0.0.1 but taken on another loopback address: try another.
      await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
    }
  }
  throw new Error("no port free on every loopback address the rig needs");
}

async function _startOn(port: number, servers: SMTPServer[]): Promise<Rig> {
  const listen = async (server: SMTPServer, host: string): Promise<void> => {
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, resolve);
    });
  };
  await listen(_receiver(), HOSTS.receiver);
  for (const [host, text] of Object.values(GREETING_DOMAINS)) {
    await listen(
      new SMTPServer({
        logger: false,
        disabledCommands: ["STARTTLS", "AUTH"],
        onConnect: (_s, cb) => cb(_error(554, text)),
      }),
      host,
    );
  }
  const caught: Buffer[] = [];
  const waiters: { marker: string; resolve: (b: Buffer) => void }[] = [];
  await listen(
    new SMTPServer({
      logger: false,
      disabledCommands: ["STARTTLS", "AUTH"],
      authOptional: true,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks);
          caught.push(raw);
          const text = raw.toString("latin1");
          for (const w of waiters.filter((w) => text.includes(w.marker))) w.resolve(raw);
          callback();
        });
      },
    }),
    HOSTS.catcher,
  );
  return {
    port,
    caught,
    waitFor(marker, timeoutMs = 60_000) {
      const already = caught.find((b) => b.toString("latin1").includes(marker));
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(undefined), timeoutMs);
        waiters.push({
          marker,
          resolve: (b) => {
            clearTimeout(timer);
            resolve(b);
          },
        });
      });
    },
    async close() {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
    },
  };
}

/** The message a scenario sends; its Message-ID carries `marker` so its bounce can be found. */
export function scenarioMessage(s: Scenario, marker: string): string {
  return `From: App <${s.from}>\r\nTo: ${s.to.map((t) => `<${t}>`).join(", ")}\r\nSubject: ${s.subject}\r\n` +
    `Message-ID: <${marker}@sender.test>\r\nDate: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\n` +
    `Content-Type: text/plain; charset=us-ascii\r\n\r\nCorpus message for the ${s.name} scenario.\r\n`;
}

/** Submits one message over plain SMTP (EHLO, MAIL, every RCPT, DATA); resolves with the replies. */
export async function submit(host: string, port: number, from: string, to: string[], data: string): Promise<string[]> {
  const socket = net.connect(port, host);
  const replies: string[] = [];
  let buffer = "";
  const waiting: ((reply: string) => void)[] = [];
  socket.on("data", (b: Buffer) => {
    buffer += b.toString("latin1");
    for (
      let m = /(?:^|\r?\n)(\d{3}) [^\r\n]*\r?\n/.exec(buffer);
      m;
      m = /(?:^|\r?\n)(\d{3}) [^\r\n]*\r?\n/.exec(buffer)
    ) {
      const reply = buffer.slice(0, m.index + m[0].length).trim();
      buffer = buffer.slice(m.index + m[0].length);
      replies.push(reply);
      waiting.shift()?.(reply);
    }
  });
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const say = (line: string) => {
    socket.write(`${line}\r\n`);
    return next();
  };
  await next();
  await say("EHLO submit.sender.test");
  await say(`MAIL FROM:<${from}>`);
  for (const t of to) await say(`RCPT TO:<${t}>`);
  if ((await say("DATA")).startsWith("354")) await say(`${data.replace(/\r?\n/g, "\r\n").replace(/^\./gm, "..")}\r\n.`);
  await say("QUIT");
  socket.destroy();
  return replies;
}

/** The scenarios whose name matches $SMTPILOT_CORPUS_ONLY (a regular expression), or all of them. */
export function selected(list: Scenario[]): Scenario[] {
  const only = process.env.SMTPILOT_CORPUS_ONLY;
  return only ? list.filter((s) => new RegExp(only).test(s.name)) : list;
}

/** `s` with some recipients' expected reasons replaced (what this MTA's bounce says instead). */
export function expecting(s: Scenario, overrides: Record<string, Record<string, string>>): Scenario {
  const o = overrides[s.name];
  return o ? { ...s, expect: { ...s.expect, ...o } } : s;
}
