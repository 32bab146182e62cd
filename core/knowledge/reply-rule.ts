/**
 * Reply knowledge: what a server's words mean. One table serves the layers,
 * and later `explain` and `bounce`, so a wording learned once is understood
 * everywhere. Provider plugins add rules that are consulted before the core's.
 */

/** Where in the session a reply was received. */
export type ReplyStage = "greeting" | "ehlo" | "helo" | "starttls" | "auth" | "mail" | "rcpt" | "data";

/**
 * One piece of knowledge: when a reply at one of `stages` matches every given
 * pattern (reply code, enhanced status code, text), it means `diagnosis`.
 * Patterns are tested against the code as a string ("550"), the enhanced code
 * ("5.7.8") and the reply text joined on one line.
 */
export interface ReplyRule {
  /** Stable id, `<source>.<name>`, e.g. `core.relay-denied` or `gmail.app-password`. */
  id: string;
  stages: readonly ReplyStage[];
  code?: RegExp;
  enhanced?: RegExp;
  text?: RegExp;
  diagnosis: {
    /** Diagnosis code, prefixed by the layer that owns the stage (`envelope.relay-denied`). */
    code: string;
    /** Short human title ("Relay denied"); the reply itself is appended by the interpreter. */
    title: string;
    cause: string;
    next: string;
  };
}
