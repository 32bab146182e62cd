/**
 * Which enhanced status to reason with when a report gives two: a DSN's
 * `Status:` and the code inside its `Diagnostic-Code:`.
 */
import { parseEnhancedStatus } from "../enhanced-status/describe.ts";

/**
 * The status to reason with when a report gives two: a DSN's `Status:` and
 * the enhanced code inside its `Diagnostic-Code:`. The remote server's own
 * code is more precise when the report's is generic (X.0.0) or missing, and
 * when both are specific but disagree on the detail within the same class
 * (the reporting MTA mapped the reply coarsely). A class disagreement keeps
 * the report's status: it knows whether it gave up.
 */
export function effectiveStatus(reported: string | undefined, fromDiagnostic: string | undefined): string | undefined {
  const r = reported === undefined ? undefined : parseEnhancedStatus(reported);
  const d = fromDiagnostic === undefined ? undefined : parseEnhancedStatus(fromDiagnostic);
  if (!d) return r ? `${r.klass}.${r.subject}.${r.detail}` : undefined;
  const dCode = `${d.klass}.${d.subject}.${d.detail}`;
  if (!r) return dCode;
  const rCode = `${r.klass}.${r.subject}.${r.detail}`;
  if (r.klass !== d.klass) return rCode;
  if (r.subject === 0 && r.detail === 0) return dCode;
  if (d.subject === 0 && d.detail === 0) return rCode;
  return dCode;
}
