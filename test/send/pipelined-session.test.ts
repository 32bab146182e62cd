// A scale send on a server that offers PIPELINING writes each message with the next recipient's
// envelope behind its final dot — one write and one round trip per message — while keeping what a
// single transaction guarantees: the attempt is journalled before the message's bytes, a refused
// recipient's open transaction is closed with RSET (no "nested MAIL"), a refusal after the dot
// does not end the session, a drop after the message leaves that recipient unknown (never resent),
// and a server without PIPELINING gets one command at a time. Against a strict local server.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import type { Draft } from "../../core/send/composed-draft.ts";
import { makeDraft } from "../../core/send/draft.ts";
import { readJournal } from "../../core/send/journal.ts";
import { readRecipients, type Recipient } from "../../core/send/recipients.ts";
import { SmtpConnection } from "../../core/smtp/connection.ts";
import { runScale, type ScaleProgress, type ScaleResult } from "../../core/send/scale.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { beforeHang } from "../helpers/wait-until.ts";
import { type MiniMta, type MiniMtaOptions, startMiniMta } from "./mini-mta.ts";

const dir = makeTestDir("smtpilot-pipelined-");
const servers: MiniMta[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

const draft = makeDraft({ from: "app@example.com", subject: "Pipelined", text: "Hello.\n.leading dot line\n" });
let run = 0;

/** Runs a scale send of `list` against a fresh strict server; returns both sides. */
async function scale(
  list: string[],
  server: MiniMtaOptions = {},
  connections = 1,
  onProgress?: (p: ScaleProgress) => void,
  extra: { ratePerSecond?: number; signal?: AbortSignal } = {},
) {
  const mta = await startMiniMta(server);
  servers.push(mta);
  const { result, journal, journalFile } = await scaleTo(mta.port, list, connections, onProgress, extra);
  return { mta, result, journal, journalFile };
}

/** Runs a scale send of `list` to whatever listens on `port` (or nothing); the journal's records, none when absent. */
async function scaleTo(
  port: number,
  list: string[],
  connections: number,
  onProgress?: (p: ScaleProgress) => void,
  extra: { ratePerSecond?: number; signal?: AbortSignal; draft?: Draft; recipients?: AsyncIterable<Recipient> } = {},
) {
  const listFile = path.join(dir, `list-${++run}.txt`);
  fs.writeFileSync(listFile, `${list.join("\n")}\n`);
  const journalFile = path.join(dir, `journal-${run}.jsonl`);
  const options: DiagnoseOptions = {
    host: "127.0.0.1",
    port,
    tls: "none",
    to: [],
    timeoutMs: 5000,
    declaredSize: 10240,
    probes: "off",
  };
  const result = await runScale({
    options,
    rules: [],
    redact: (t) => t,
    draft: extra.draft ?? draft,
    envelopeFrom: "bounces@example.com",
    recipients: extra.recipients ?? readRecipients(listFile),
    count: list.length,
    journalFile,
    connections,
    ratePerSecond: extra.ratePerSecond ?? Infinity,
    ...(onProgress ? { onProgress } : {}),
    ...(extra.signal ? { signal: extra.signal } : {}),
  });
  const text = fs.existsSync(journalFile) ? fs.readFileSync(journalFile, "utf8").trim() : "";
  const journal = text === "" ? [] : text.split("\n").map((l) => JSON.parse(l));
  return { result, journal, journalFile };
}

const names = (n: number, prefix = "r") => Array.from({ length: n }, (_, i) => `${prefix}${i}@example.net`);
const messageChunks = (mta: MiniMta) => mta.chunks.filter((c) => c.includes("\r\n.\r\n"));

test("each message goes out with the next envelope behind its final dot: one write per message", async () => {
  const list = names(8);
  const { mta, result, journal } = await scale(list);
  assert.deepEqual(mta.accepted, list);
  assert.equal(result.accepted, 8);
  assert.deepEqual(mta.errors, []);
  assert.equal(mta.connections, 1);
  const withMessage = messageChunks(mta);
  assert.equal(withMessage.length, 8, "each message arrived in one chunk");
  for (const [i, chunk] of withMessage.entries()) {
    const next = list[i + 1];
    if (next) {
      assert.match(
        chunk,
        new RegExp(`\\r\\n\\.\\r\\nMAIL FROM:<bounces@example\\.com>[^\\r]*\\r\\nRCPT TO:<${next}>\\r\\nDATA\\r\\n$`),
      );
    } else assert.match(chunk, /\r\n\.\r\n$/);
  }
  // Dot-stuffing survives the concatenation.
  assert.ok(withMessage.every((c) => c.includes("\r\n..leading dot line\r\n")));
  // Journal: an attempt, then the answer with the server's queue id, for every recipient.
  const accepted = journal.filter((e) => e.status === "accepted");
  assert.deepEqual(accepted.map((e) => e.queueId), list.map((_, i) => `Q${String(i + 1).padStart(8, "0")}`));
  for (const [i] of list.entries()) {
    const at = journal.findIndex((e) => e.i === i && e.status === "attempt");
    assert.ok(at >= 0 && at < journal.findIndex((e) => e.i === i && e.status === "accepted"));
  }
});

test("a message with no dot line, written in its own buffer's room, goes out byte for byte as composed", async () => {
  const plain = makeDraft({ from: "app@example.com", subject: "Room", text: "Hello.\nNo dot starts a line.\n" });
  const list = names(6);
  const mta = await startMiniMta({});
  servers.push(mta);
  const { result } = await scaleTo(mta.port, list, 2, undefined, { draft: plain });
  assert.equal(result.accepted, 6);
  const at = /\r\nDate: ([^\r]*)\r\n/;
  for (const to of list) {
    const chunk = messageChunks(mta).find((c) => c.includes(`\r\nTo: ${to}\r\n`));
    assert.ok(chunk, to);
    const message = chunk.slice(0, chunk.indexOf("\r\n.\r\n") + 2);
    const date = new Date(at.exec(message)?.[1] ?? "");
    const composed = await makeDraft({
      from: "app@example.com",
      subject: "Room",
      text: "Hello.\nNo dot starts a line.\n",
    }, {
      template: false,
    }).compose([to], date);
    // The same message, a final dot, then nothing but the next envelope (or nothing).
    assert.equal(
      message.replace(/Message-ID: <[^>]*>/, ""),
      composed.toString("latin1").replace(/Message-ID: <[^>]*>/, ""),
    );
    assert.match(
      chunk.slice(message.length),
      /^\.\r\n(MAIL FROM:<bounces@example\.com>[^\r]*\r\nRCPT TO:<[^>]+>\r\nDATA\r\n)?$/,
    );
  }
});

test("the attempt is journalled before the server sees the message (not after its answer)", async () => {
  // scale() numbers its files before the server sees a byte.
  const journalOf = () => path.join(dir, `journal-${run}.jsonl`);
  const missing: string[] = [];
  const list = names(5);
  await scale(list, {
    onMessage: (to) => {
      const lines = fs.readFileSync(journalOf(), "utf8");
      const i = list.indexOf(to);
      if (!lines.split("\n").some((l) => l.includes(`"i":${i},"status":"attempt"`))) missing.push(to);
    },
  });
  assert.deepEqual(missing, []);
});

test("with ten connections, whose attempts share one journal append, each attempt is on record when its message is written", async () => {
  // Checked at the moment the bytes are handed to the socket (a server in this process would only
  // see them a turn of the event loop later, after any append of that turn).
  const journalOf = () => path.join(dir, `journal-${run}.jsonl`);
  const missing: string[] = [];
  const list = names(300);
  const real = SmtpConnection.prototype.sendRaw;
  SmtpConnection.prototype.sendRaw = function (bytes: Buffer, shown: string) {
    const to = /\r\nTo: (\S+)\r\n/.exec(bytes.toString("latin1"))?.[1];
    if (to !== undefined) {
      const i = list.indexOf(to);
      const lines = fs.readFileSync(journalOf(), "utf8");
      if (!lines.split("\n").some((l) => l.includes(`"i":${i},"status":"attempt"`))) missing.push(to);
    }
    return real.call(this, bytes, shown);
  };
  try {
    const { result, journal } = await scale(list, {}, 10);
    assert.equal(result.accepted, 300);
    assert.equal(journal.filter((e) => e.status === "attempt").length, 300, "one attempt per recipient");
  } finally {
    SmtpConnection.prototype.sendRaw = real;
  }
  assert.deepEqual(missing, []);
});

for (const [what, end] of [["a line end", "\r\n"], ["a NUL", "\0"]] as const) {
  test(`a recipient holding ${what} is never written into a pipelined envelope: the run stops, nothing injected`, async () => {
    const list = names(4);
    // A stream of recipients a caller made itself (a list's lines never hold a line end).
    async function* recipients(): AsyncGenerator<Recipient> {
      for (const [index, address] of list.entries()) {
        yield {
          index,
          address: index === 2 ? `${address}${end}RCPT TO:<victim@example.org>` : address,
          smtputf8: false,
        };
      }
    }
    const mta = await startMiniMta({});
    servers.push(mta);
    const err = await scaleTo(mta.port, list, 1, undefined, { recipients: recipients() }).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    assert.equal(err?.code, "E_SMTP_INJECTION");
    assert.ok(mta.chunks.every((c) => !c.includes("victim@")), "the injected command never reached the server");
    assert.deepEqual(mta.accepted, list.slice(0, 1), "only the message written before the bad envelope was taken");
  });
}

test("a refused recipient's transaction is closed with RSET: no nested MAIL, the rest go through", async () => {
  const list = [
    "a@example.net",
    "unknown1@example.net",
    "b@example.net",
    "unknown2@example.net",
    "unknown3@example.net",
    "c@example.net",
  ];
  const { mta, result } = await scale(list, { fate: (to) => (to.startsWith("unknown") ? "unknown" : "accept") });
  assert.deepEqual(mta.errors, [], "the server saw no out-of-sequence command");
  assert.deepEqual(mta.accepted, ["a@example.net", "b@example.net", "c@example.net"]);
  assert.equal(result.accepted, 3);
  assert.equal(result.rejected, 3);
  assert.deepEqual(result.codes, { "envelope.recipient-unknown": 3 });
  assert.equal(mta.connections, 1);
  assert.ok(mta.chunks.some((c) => c.startsWith("RSET\r\nMAIL FROM:")), "RSET pipelined before the next MAIL");
});

test("a message refused after its final dot (552) is rejected with its code and the session carries on", async () => {
  const list = ["a@example.net", "big@example.net", "b@example.net"];
  const { mta, result } = await scale(list, { fate: (to) => (to.startsWith("big") ? "too-big" : "accept") });
  assert.deepEqual(mta.accepted, ["a@example.net", "b@example.net"]);
  assert.equal(result.rejected, 1);
  assert.deepEqual(result.codes, { "envelope.size-exceeded": 1 });
  assert.deepEqual(mta.errors, []);
  assert.equal(mta.connections, 1);
});

test("a drop after the message leaves that recipient unknown (never resent) and the pipelined next one deferred", async () => {
  const list = ["a@example.net", "drop@example.net", "b@example.net", "c@example.net"];
  const { mta, result, journalFile } = await scale(list, { fate: (to) => (to.startsWith("drop") ? "drop" : "accept") });
  assert.deepEqual(result.unknown, [1]);
  // b's envelope was on the wire behind drop's message, its content never: deferred, for a rerun.
  assert.equal(result.deferred, 1);
  assert.deepEqual(mta.accepted, ["a@example.net", "c@example.net"]);
  assert.equal(mta.connections, 2, "a new session took the rest");
  const state = await readJournal(journalFile, list.length);
  assert.deepEqual(state.unknown, [1]);
  assert.equal(state.deferred, 1);
  assert.equal(state.accepted, 2);
});

test("a recipient that needs SMTPUTF8 is refused without a byte on the wire when the server lacks it", async () => {
  const list = ["a@example.net", "josé@example.net", "b@example.net"];
  const { mta, result } = await scale(list, { smtputf8: false });
  assert.deepEqual(result.codes, { "envelope.smtputf8-required": 1 });
  assert.deepEqual(mta.accepted, ["a@example.net", "b@example.net"]);
  assert.ok(!mta.chunks.some((c) => c.includes("jos")));
});

test("a run whose session never opens reserves no recipient (a rerun after a reboot still sends them all)", async () => {
  const mta = await startMiniMta();
  await mta.close(); // nothing listens there any more: every connection is refused
  const { result, journal } = await scaleTo(mta.port, names(5), 3);
  assert.equal(result.stopped?.reason, "session-failed");
  // A reservation read back in another boot makes its recipients unknown (never resent): a run
  // that sent nothing must leave none.
  assert.deepEqual(journal.filter((r) => r.status === "reserve"), [], JSON.stringify(journal));
});

test("an SMTPUTF8 recipient's envelope pipelined behind a final dot goes out in UTF-8, byte for byte", async () => {
  const list = ["josé@example.net", "zoë@example.net", "名前@example.net"];
  const { mta, result } = await scale(list, { smtputf8: true });
  assert.equal(result.accepted, 3);
  // The server reads bytes: each RCPT (the second and third behind a dot) is the address in UTF-8.
  const wire = Buffer.from(mta.chunks.join(""), "latin1");
  for (const address of list) {
    assert.ok(wire.includes(Buffer.from(`RCPT TO:<${address}>\r\n`, "utf8")), `RCPT of ${address} in UTF-8`);
    assert.ok(wire.includes(Buffer.from(`SMTPUTF8\r\nRCPT TO:<${address}>`, "utf8")), "MAIL FROM asked for SMTPUTF8");
  }
  assert.ok(messageChunks(mta).some((c) => c.includes("\r\n.\r\nMAIL FROM:")), "envelopes rode behind a dot");
});

test("without PIPELINING every command waits for its reply, and the results are the same", async () => {
  const list = ["a@example.net", "unknown@example.net", "b@example.net"];
  const { mta, result } = await scale(list, {
    pipelining: false,
    fate: (to) => (to.startsWith("unknown") ? "unknown" : "accept"),
  });
  assert.deepEqual(mta.accepted, ["a@example.net", "b@example.net"]);
  assert.equal(result.rejected, 1);
  assert.deepEqual(mta.errors, []);
  for (const chunk of mta.chunks) {
    const commands = chunk.split("\r\n").filter((l) => /^(MAIL|RCPT|DATA|RSET|QUIT) ?/.test(l));
    assert.ok(commands.length <= 1, `one command per write: ${JSON.stringify(chunk.slice(0, 120))}`);
  }
});

test("ten connections share the list: every recipient exactly once", async () => {
  const list = names(200);
  const { mta, result } = await scale(list, {}, 10);
  assert.equal(result.accepted, 200);
  assert.equal(mta.connections, 10);
  assert.deepEqual([...mta.accepted].sort(), [...list].sort());
  const summary: Partial<ScaleResult> = {
    unknown: result.unknown,
    rejected: result.rejected,
    deferred: result.deferred,
  };
  assert.deepEqual(summary, { unknown: [], rejected: 0, deferred: 0 });
});

test("progress is reported at a bounded pace, and the last report has the final counts", async () => {
  const reports: ScaleProgress[] = [];
  const { result } = await scale(names(300), {}, 2, (p) => reports.push(p));
  assert.ok(reports.length >= 1 && reports.length < 300, `${reports.length} reports for 300 messages`);
  assert.deepEqual(reports.at(-1), {
    total: 300,
    skipped: 0,
    earlier: 0,
    accepted: result.accepted,
    rejected: 0,
    deferred: 0,
    unknown: [],
    codes: {},
  });
});

test("a paced send never holds the server between 354 and the message: the pace is kept between transactions", {
  timeout: 120_000,
}, async () => {
  // At 2/s three messages cannot go in under a second: the pace is kept.
  const list = names(3);
  const started = performance.now();
  const paced = await scale(list, {}, 1, undefined, { ratePerSecond: 2 });
  assert.equal(paced.result.accepted, 3);
  assert.ok(performance.now() - started >= 950, "the pace (2/s) was kept");
  assert.deepEqual(paced.mta.errors, []);

  // Where the client waits for its slot, by structure: at one message an hour the second slot is an
  // hour away when the first message's 354 comes. A client that waited for it inside DATA would
  // hold the server there for the hour and never send the first message; one that waits between
  // transactions sends it at once, and the run is stopped the moment the server has it. The bound
  // below only turns that hour into a failure: the message is a loopback write away.
  const two = names(2);
  const abort = new AbortController();
  const run = scale(two, { onMessage: () => abort.abort() }, 1, undefined, {
    ratePerSecond: 1 / 3600,
    signal: abort.signal,
  });
  try {
    const held = "the first message never came after its 354: the client waited for its pace inside DATA";
    const { mta, result } = await beforeHang(run, held, { onHang: () => abort.abort() });
    assert.equal(result.accepted, 1);
    assert.deepEqual(mta.accepted, [two[0]]);
    // It rested between transactions: the second recipient's MAIL never went out.
    assert.equal(mta.chunks.join("").match(/^MAIL FROM:/gim)?.length, 1);
  } finally {
    await run.catch(() => undefined);
  }
});

test("an interrupted paced wait sends nothing more", { timeout: 120_000 }, async () => {
  // One message an hour: every connection but the first waits for its slot when the first
  // message is in, and the stop comes then.
  const abort = new AbortController();
  const { mta, result } = await scale(names(10), { onMessage: () => abort.abort() }, 3, undefined, {
    ratePerSecond: 1 / 3600,
    signal: abort.signal,
  });
  // Every connection is gone from the server's side: nothing can follow.
  await mta.idle();
  assert.deepEqual(mta.accepted, ["r0@example.net"]);
  assert.equal(result.stopped?.reason, "interrupted");
});
