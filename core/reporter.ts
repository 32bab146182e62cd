/**
 * A reporter turns a finished diagnosis into text; the core does the writing.
 * The text reporter is built in; others (JSON) come from plugins.
 */
import type { DiagnoseReport } from "./report.ts";

/** Options every reporter may honour. */
export interface RenderOptions {
  /** Include the wire transcript (redacted). */
  transcript: boolean;
}

/** A named function of the report. */
export interface Reporter {
  name: string;
  render(report: DiagnoseReport, options: RenderOptions): string;
}
