/**
 * Reads pasted input from a stream (stdin) with a ceiling, so `explain`
 * given a 10 GB pipe by mistake refuses after a MiB instead of filling
 * memory. Bytes are decoded as UTF-8 with invalid sequences replaced.
 */
import type { Readable } from "node:stream";
import { UsageError } from "../errors.ts";

/** Most bytes `explain` reads from stdin. */
export const MAX_EXPLAIN_INPUT = 1024 * 1024;

/** Reads all of `stream`, failing with a UsageError once more than `maxBytes` arrived. */
export async function readBounded(stream: Readable, maxBytes = MAX_EXPLAIN_INPUT, what = "stdin"): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new UsageError(
        `Cannot read ${what}: more than ${maxBytes} bytes; explain takes replies, use smtpilot bounce for whole messages`,
      );
    }
    chunks.push(buf);
  }
  return new TextDecoder("utf-8").decode(Buffer.concat(chunks));
}
