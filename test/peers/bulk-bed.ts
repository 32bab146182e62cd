/**
 * The test bed of the received canary's checklist, from real parts: the
 * Postfix peer as the sending MTA with two extra submission ports, each
 * signing through its own Debian OpenDKIM milter (one with a 2048-bit key
 * signing List-Unsubscribe and List-Unsubscribe-Post, and a d=esp.test key
 * for a brand.test From; one with a 1024-bit key that signs neither List-*
 * field); Postfix relays over TLS to a receiving MX (smtp-server) that
 * judges each message with mailauth — SPF, DKIM, DMARC, ARC, as a receiver
 * does, through the Knot peer serving the test zones — adds its
 * Authentication-Results, a Received field with the TLS session it really
 * had and the Return-Path, and files it into the Maildir the Dovecot IMAP
 * peer serves. Mail for list@rcv.test first passes a mailing list that
 * rewrites the Subject and ARC-seals it (mailauth), as a forwarder would.
 */
import { randomBytes } from "node:crypto";
import { generateKeyPairSync } from "node:crypto";
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import { authenticate, sealMessage } from "mailauth";
import { createFixtureCa, issueCert } from "../../fixtures/index.ts";
import { deliverToMaildir, prepareMaildir } from "../../fixtures/maildir.ts";
import { systemDns } from "../../core/domain/dns.ts";
import { mailauthResolver } from "../../core/deliverability/received-copy.ts";
import {
  dovecotImapMissing,
  type DovecotImapPeer,
  startDovecotImapPeer,
} from "../../scripts/peers/dovecot-imap/peer.ts";
import { freePort, type PostfixPeer, postfixPeerMissing, startPostfixPeer } from "../../scripts/peers/postfix/peer.ts";
import { openDkimMissing, type OpenDkimPeer, startOpenDkim } from "../../scripts/peers/opendkim/peer.ts";
import { knotMissing, type KnotServer, startKnot } from "../../scripts/peers/knot/knot.ts";
import { waitForPort } from "../../scripts/peers/_daemon.ts";

/** Why the bed cannot run here, or undefined. */
export function bulkBedMissing(): string | undefined {
  return postfixPeerMissing() ?? dovecotImapMissing() ?? openDkimMissing() ?? knotMissing();
}

/** A running bed. */
export interface BulkBed {
  postfix: PostfixPeer;
  dovecot: DovecotImapPeer;
  knot: KnotServer;
  /** Submission ports: `signed` (OpenDKIM 2048, List-* signed), `weak` (OpenDKIM 1024, List-* not signed). */
  ports: { signed: number; weak: number };
  /** The receiving MX's domain: the canaries are canary@ and list@ it. */
  receiverDomain: string;
  /** Messages the receiving MX filed, as filed. */
  received: Buffer[];
  logTail(): string;
  stop(): Promise<void>;
}

const _RCV = "rcv.test";

/** Starts everything; a failure stops what had started. */
export async function startBulkBed(): Promise<BulkBed> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    const signing = await startOpenDkim({
      keys: [
        { from: "*@pf.smtpilot.test", domain: "pf.smtpilot.test", selector: "s2048", bits: 2048 },
        { from: "*@brand.test", domain: "esp.test", selector: "esp", bits: 2048 },
      ],
      signHeaders: [
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "MIME-Version",
        "Content-Type",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
      ],
    });
    stops.push(() => signing.stop());
    const weak: OpenDkimPeer = await startOpenDkim({
      keys: [{ from: "*@pf.smtpilot.test", domain: "pf.smtpilot.test", selector: "s1024", bits: 1024 }],
      signHeaders: ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"],
    });
    stops.push(() => weak.stop());
    const arcKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const arcTxt = `v=DKIM1; k=rsa; p=${arcKey.publicKey.export({ type: "spki", format: "der" }).toString("base64")}`;
    const txt = (name: string) => [...signing.records, ...weak.records].find((r) => r.name === name)?.txt ?? "";
    const knot = await startKnot(_zones(txt, arcTxt));
    stops.push(() => knot.stop());

    const dovecot = await startDovecotImapPeer();
    stops.push(() => dovecot.stop());
    const fileMode = prepareMaildir(dovecot.maildir);
    const received: Buffer[] = [];
    const resolver = mailauthResolver(systemDns(knot.resolver, 2500));
    const arcPem = arcKey.privateKey.export({ type: "pkcs8", format: "pem" }).toString();

    const ca = createFixtureCa("smtpilot bulk bed receiver CA");
    const leaf = issueCert(ca, {
      commonName: `mx.${_RCV}`,
      sans: { dns: [`mx.${_RCV}`], ip: ["127.0.0.1"] },
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 86_400_000),
    });
    const mxPort = await freePort();
    const mx = new SMTPServer({
      name: `mx.${_RCV}`,
      secure: false,
      key: leaf.keyPem,
      cert: leaf.certPem,
      authOptional: true,
      disabledCommands: ["AUTH"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          _receive(Buffer.concat(chunks), session, resolver, arcPem).then((filed) => {
            received.push(filed);
            deliverToMaildir(dovecot.maildir, "INBOX", filed, fileMode);
            callback(null, "Message accepted");
          }, (err: Error) => callback(err));
        });
      },
    });
    await new Promise<void>((resolve) => mx.listen(mxPort, "127.0.0.1", resolve));
    stops.push(() => new Promise<void>((resolve) => mx.close(() => resolve())));

    const [signedPort, weakPort] = [await freePort(), await freePort()];
    const service = (port: number, name: string, milter: string) =>
      [
        `127.0.0.1:${port} inet n - n - - smtpd`,
        `  -o syslog_name=smtpilot-postfix/${name}`,
        "  -o smtpd_tls_security_level=encrypt",
        "  -o smtpd_sasl_auth_enable=yes",
        `  -o smtpd_milters=${milter}`,
      ].join("\n");
    const postfix = await startPostfixPeer({
      mainCfExtra: [
        "# The bulk bed delivers: everything not local goes over TLS to the receiving MX.",
        "default_transport = smtp",
        "relay_transport = smtp",
        `relayhost = [127.0.0.1]:${mxPort}`,
        "smtp_tls_security_level = encrypt",
        "milter_default_action = tempfail",
      ].join("\n"),
      masterCfExtra: [
        service(signedPort, "signed", signing.milter),
        service(weakPort, "weak", weak.milter),
        "smtp      unix  -       -       n       -       -       smtp",
      ].join("\n"),
    });
    stops.push(() => postfix.stop());
    for (const port of [signedPort, weakPort]) await waitForPort("127.0.0.1", port, 15_000, () => undefined);
    return {
      postfix,
      dovecot,
      knot,
      ports: { signed: signedPort, weak: weakPort },
      receiverDomain: _RCV,
      received,
      logTail: () => `${postfix.logTail(20)}\n${signing.log()}\n${weak.log()}`,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** What the receiving MX does with one message: (the list's ARC seal), its verdicts, Received, Return-Path. */
async function _receive(
  message: Buffer,
  session: SMTPServerSession,
  resolver: ReturnType<typeof mailauthResolver>,
  arcPem: string,
): Promise<Buffer> {
  const ip = session.remoteAddress.replace(/^::ffff:/, "");
  const helo = session.hostNameAppearsAs;
  const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
  const rcpt = session.envelope.rcptTo[0]?.address ?? "";
  let copy = message;
  let sender = from;
  if (rcpt.startsWith("list@")) {
    // The mailing list: it judges what it got, tags the Subject and seals the result (RFC 8617).
    const arrival = await authenticate(copy, { ip, helo, sender, mta: `lists.${_RCV}`, resolver, disableBimi: true });
    const tagged = copy.toString("latin1").replace(/^Subject: /mi, "Subject: [list] ");
    const seal = await sealMessage(tagged, {
      signingDomain: "fwd.test",
      selector: "arc",
      privateKey: arcPem,
      authResults: arrival.arc ? String(arrival.arc.authResults) : `lists.${_RCV}; none`,
      cv: "none",
    });
    copy = Buffer.concat([seal, Buffer.from(tagged, "latin1")]);
    sender = `list-bounces@fwd.test`;
  }
  const auth = await authenticate(copy, { ip, helo, sender, mta: `mx.${_RCV}`, resolver, disableBimi: true });
  const tls = (session as unknown as { tlsOptions?: { name?: string; version?: string } }).tlsOptions;
  const received = `Received: from ${helo} (localhost [${ip}])\r\n` +
    (tls?.name ? `\t(using ${tls.version} with cipher ${tls.name})\r\n` : "") +
    `\tby mx.${_RCV} (smtpilot bulk bed) with ${tls?.name ? "ESMTPS" : "ESMTP"} id ${
      randomBytes(6).toString("hex")
    }\r\n` +
    `\tfor <${rcpt}>; ${new Date().toUTCString().replace("GMT", "+0000")}\r\n`;
  return Buffer.concat([Buffer.from(`Return-Path: <${sender}>\r\n${auth.headers}${received}`, "latin1"), copy]);
}

/** The zones: the sending domain, the ESP, the brand, the forwarder, and the providers' MX for the list counts. */
function _zones(txt: (name: string) => string, arcTxt: string) {
  const head =
    "$TTL 300\n@ IN SOA ns.smtpilot.test. hostmaster.smtpilot.test. 1 3600 600 86400 300\n@ IN NS ns.smtpilot.test.\n";
  const q = (value: string) => value.match(/.{1,200}/g)!.map((c) => `"${c}"`).join(" ");
  return [
    {
      name: "pf.smtpilot.test",
      text: head + `@ IN TXT "v=spf1 ip4:127.0.0.1 -all"\n_dmarc IN TXT "v=DMARC1; p=none"\n` +
        `s2048._domainkey IN TXT ${q(txt("s2048._domainkey.pf.smtpilot.test"))}\n` +
        `s1024._domainkey IN TXT ${q(txt("s1024._domainkey.pf.smtpilot.test"))}\n`,
    },
    { name: "esp.test", text: head + `esp._domainkey IN TXT ${q(txt("esp._domainkey.esp.test"))}\n` },
    { name: "brand.test", text: head + `_dmarc IN TXT "v=DMARC1; p=none"\n` },
    { name: "fwd.test", text: head + `@ IN TXT "v=spf1 ip4:127.0.0.1 -all"\narc._domainkey IN TXT ${q(arcTxt)}\n` },
    { name: "gmail.com", text: head + "@ IN MX 5 gmail-smtp-in.l.google.com.\n" },
    { name: "outlook.com", text: head + "@ IN MX 5 outlook-com.olc.protection.outlook.com.\n" },
    { name: "corp.test", text: head + "@ IN MX 1 corp-test.mail.protection.outlook.com.\n" },
  ];
}
