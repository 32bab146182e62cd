// The benchmarks' bare SMTP clients (the Node floors of bench:diagnose and bench:scale) read replies
// the same minimal way: whole lines off the stream, continuation lines skipped.

/** A 'data' listener that calls `onReply(code, line)` for each final reply line (`250 …`, not `250-…`). */
export function finalReplies(onReply) {
  let pending = "";
  return (chunk) => {
    pending += chunk.toString("latin1");
    let eol;
    while ((eol = pending.indexOf("\r\n")) >= 0) {
      const line = pending.slice(0, eol);
      pending = pending.slice(eol + 2);
      if (line.length === 3 || line[3] === " ") onReply(line.slice(0, 3), line);
    }
  };
}
