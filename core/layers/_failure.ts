/**
 * Turns a failed read (silence, a close, a protocol violation) into the
 * diagnosis of the layer that was waiting. Shared by every layer after the
 * greeting so each names the same failure the same way.
 */
import type { Diagnosis, Facts, LayerId } from "../layer.ts";
import type { SmtpFailure } from "../smtp/connection.ts";

/** The diagnosis for a read failure while `what` was awaited in `layer`. */
export function readFailureDiagnosis(layer: LayerId, failure: SmtpFailure, what: string): Diagnosis {
  switch (failure.kind) {
    case "timeout":
      return {
        code: `${layer}.timeout`,
        summary: `No reply to ${what} within ${failure.waitedMs} ms`,
        cause:
          `The server stopped answering after ${what}; it is overloaded, or a firewall or proxy holds the connection open.`,
        next: "Retry with a longer --timeout; if it persists, check the server's logs or any proxy in between.",
      };
    case "protocol":
      return {
        code: `${layer}.protocol-error`,
        summary: `Malformed reply to ${what} (${failure.violation.kind}): ${failure.violation.line}`,
        cause: "The server's reply breaks the SMTP reply syntax, so nothing it says can be trusted.",
        next: "Check that the host and port point at an SMTP server and not at a proxy or another service.",
      };
    case "closed":
    case "socket":
      return {
        code: failure.kind === "closed" && failure.midReply ? `${layer}.protocol-error` : `${layer}.connection-dropped`,
        summary: `The server closed the connection during ${what}${
          failure.kind === "socket" ? ` (${failure.code})` : ""
        }`,
        cause:
          "The server dropped the session instead of replying, typically a policy (client blocked, pre-greet traffic, EHLO name) or a crash.",
        next:
          "Check the server's logs for this connection; try another EHLO name (--ehlo-name) or another source network.",
      };
  }
}

/** Facts describing a read failure, for the layer's facts. */
export function readFailureFacts(failure: SmtpFailure): Facts {
  switch (failure.kind) {
    case "timeout":
      return { waitedMs: failure.waitedMs, ...(failure.partial ? { partial: failure.partial } : {}) };
    case "protocol":
      return { violation: failure.violation.kind, line: failure.violation.line };
    case "closed":
      return { closed: true, midReply: failure.midReply };
    case "socket":
      return { socketError: failure.code };
  }
}
