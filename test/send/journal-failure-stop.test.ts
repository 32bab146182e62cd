/**
 * A journal that fails stops a list send as `journal-unwritable` (exit 3: the
 * disk is the next move) even when another session's reply in flight at that
 * moment would have stopped it for its own reason (a rate limit) — the
 * attempts of several sessions are written together, so the failure is
 * known to the run a turn later than the reply.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { makeDraft } from "../../core/send/draft.ts";
import { readRecipients } from "../../core/send/recipients.ts";
import { runScale } from "../../core/send/scale.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

/** The recipient whose RCPT is answered late, with a rate limit, once the journal has failed. */
const SLOW = "slow@example.net";

/**
 * A PIPELINING server that holds its answer to RCPT TO:<slow@…> (and every
 * reply after it on that connection) until `release()`, then refuses that
 * recipient with Postfix's rate-limit wording; every other recipient is queued.
 */
function heldRateLimitServer(onHeld: () => void) {
  const held: (() => void)[] = [];
  let released = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let holding = false;
    let refuseData = false;
    let inData = false;
    let queued = 0;
    let buffer = "";
    const later: string[] = [];
    const reply = (line: string) => (holding ? later.push(line) : socket.write(`${line}\r\n`));
    socket.write("220 mx.example.net ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      for (let eol = buffer.indexOf("\r\n"); eol >= 0; eol = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            reply(`250 2.0.0 Ok: queued as Q${++queued}`);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") reply("250-mx.example.net\r\n250-PIPELINING\r\n250 SIZE 10240000");
        else if (verb === "MAIL" || verb === "RSET") reply("250 2.1.0 Ok");
        else if (verb === "QUIT") {
          reply("221 2.0.0 Bye");
          socket.end();
        } else if (verb === "RCPT" && line.includes(SLOW)) {
          holding = true;
          refuseData = true;
          const answer = () => {
            holding = false;
            socket.write(`450 4.7.1 <${SLOW}>: Recipient address rejected: rate limit exceeded\r\n`);
            for (const l of later.splice(0)) socket.write(`${l}\r\n`);
          };
          if (released) answer();
          else held.push(answer);
          onHeld();
        } else if (verb === "RCPT") reply("250 2.1.5 Ok");
        else if (verb === "DATA" && refuseData) {
          refuseData = false;
          reply("554 5.5.1 Error: no valid recipients");
        } else if (verb === "DATA") {
          inData = true;
          reply("354 End data with <CR><LF>.<CR><LF>");
        }
      }
    });
  });
  return {
    server,
    release() {
      released = true;
      for (const answer of held.splice(0)) answer();
    },
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

test("a journal failing while another session's rate-limit reply is in flight stops the run as journal-unwritable", async () => {
  const dir = makeTestDir("smtpilot-journal-stop-");
  let armed = false;
  const mx = heldRateLimitServer(() => (armed = true));
  await new Promise<void>((resolve) => mx.server.listen(0, "127.0.0.1", resolve));
  const port = (mx.server.address() as net.AddressInfo).port;
  const list = Array.from({ length: 400 }, (_, i) => (i === 30 ? SLOW : `r${i}@example.net`));
  const listFile = path.join(dir, "list.txt");
  fs.writeFileSync(listFile, `${list.join("\n")}\n`);
  // The first attempt append after the slow recipient's RCPT is held fails as a full disk does; the held
  // rate-limit reply is let go right after, so it reaches the run before the run ends.
  const realWrite = fs.writeSync;
  let failed = false;
  fs.writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    const data = args[1];
    if (armed && !failed && Buffer.isBuffer(data) && data.includes('"status":"attempt"')) {
      failed = true;
      setImmediate(() => mx.release());
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    }
    return (realWrite as (...a: unknown[]) => number)(...args);
  }) as typeof fs.writeSync;
  try {
    const result = await runScale({
      options: { host: "127.0.0.1", port, tls: "none", to: [], timeoutMs: 30_000, declaredSize: 10240, probes: "off" },
      rules: [],
      redact: (t) => t,
      draft: makeDraft({ from: "app@example.com", subject: "Hello", text: "Hello\n" }),
      envelopeFrom: "app@example.com",
      recipients: readRecipients(listFile),
      count: list.length,
      journalFile: path.join(dir, "journal.jsonl"),
      connections: 2,
      ratePerSecond: Infinity,
    });
    assert.ok(failed, "the journal failed while the slow recipient's reply was held");
    assert.equal(result.stopped?.reason, "journal-unwritable");
    assert.equal(result.stopped?.code, "E_MEMORY_WRITE");
  } finally {
    fs.writeSync = realWrite;
    mx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
