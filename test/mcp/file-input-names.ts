/**
 * The tool inputs that name a file or folder, as both MCP file tests expect
 * them: file-access checks the command definitions mark each one, and
 * stdio-boundaries checks the running server describes each as confined.
 */
export const EXPECTED_FILE_INPUTS: readonly string[] = [
  "toList",
  "eml",
  "attach",
  "textFile",
  "htmlFile",
  "ca",
  "message",
  "source",
  "bounce",
  "imapCa",
  "fromFile",
];
