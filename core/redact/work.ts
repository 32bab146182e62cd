/**
 * A count of the steps the redactor takes, so a test can prove that hostile
 * input costs work proportional to its length (no timed assertion can prove
 * that on a busy machine). Every loop over characters adds one per character
 * it looks at; every regular expression the redactor runs has a bounded
 * match length (tested), and a global scan with one adds the length scanned.
 */

/** A step counter shared by the parts of one redactor. */
export interface Work {
  /** Steps taken so far. */
  steps: number;
}

/** A new counter at zero. */
export function newWork(): Work {
  return { steps: 0 };
}
