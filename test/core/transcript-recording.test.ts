// A scale send passes a dozen transcript lines a message; once the transcript is full they are
// counted, not made (Transcript.recording). Counting them instead must say exactly what add() said:
// the same entries, and a closing marker with the same number of lines not recorded. Pipelined
// envelopes are checked for line ends once each, whatever path writes them.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { assertCommandLine, commandLines, commandText, SmtpConnection } from "../../core/smtp/connection.ts";
import { MAX_TRANSCRIPT_ENTRIES, Transcript } from "../../core/smtp/transcript.ts";

/** A connection on a socket that is never connected: writes go nowhere, the transcript is what counts. */
function offline(): { conn: SmtpConnection; transcript: Transcript } {
  const transcript = new Transcript(() => 0);
  const socket = new net.Socket();
  socket.on("error", () => {});
  const conn = new SmtpConnection(socket, transcript);
  conn.destroy();
  return { conn, transcript };
}

test("lines counted once the transcript is full read as add() one by one would have recorded them", () => {
  const counted = offline();
  const added = new Transcript(() => 0);
  const envelope = commandText(["MAIL FROM:<a@example.com>", "RCPT TO:<b@example.com>", "DATA"]);
  for (let i = 0; i < MAX_TRANSCRIPT_ENTRIES + 50; i++) {
    counted.conn.sendBatch(["RSET", "NOOP"]);
    counted.conn.recordCommands(envelope, 3);
    counted.conn.record("S", ["250 ok", "250 ok"]);
    for (const line of ["RSET", "NOOP", ...commandLines(envelope), "250 ok", "250 ok"]) {
      added.add(line.startsWith("250") ? "S" : "C", line);
    }
  }
  assert.equal(counted.transcript.recording, false);
  assert.deepEqual(counted.transcript.toJSON(), added.toJSON());
  const marker = counted.transcript.toJSON().at(-1);
  assert.equal(marker?.text, `${(MAX_TRANSCRIPT_ENTRIES + 50) * 7 - MAX_TRANSCRIPT_ENTRIES} more lines not recorded`);
});

test("a value holding CR or LF never reaches a command line, whichever way it is written", () => {
  const { conn } = offline();
  for (const bad of ["b@example.com\r\nDATA", "b@example.com\n", "\rx"]) {
    const refused = (err: Error & { code?: string }) => err.code === "E_SMTP_INJECTION";
    assert.throws(() => assertCommandLine(bad), refused);
    assert.throws(() => commandText([`RCPT TO:<${bad}>`]), refused);
    assert.throws(() => conn.sendBatch([`RCPT TO:<${bad}>`]), refused);
  }
  assert.deepEqual(commandLines("RSET\r\nDATA\r\n"), ["RSET", "DATA"]);
});
