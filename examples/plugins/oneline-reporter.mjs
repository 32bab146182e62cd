// An example smtpilot plugin, plain JavaScript so it loads into the single binary too:
//   smtpilot --plugin ./examples/plugins/oneline-reporter.mjs diagnose --host … --reporter oneline
// It adds a reporter (one line per run, for logs and cron mail) and one piece of reply knowledge
// for a made-up relay ("ACME-QUOTA"), consulted before smtpilot's own table.
export default {
  name: "example-oneline-reporter",
  version: "1.0.0",
  setup(api) {
    api.addReporter({
      name: "oneline",
      render(report) {
        const { host, port } = report.target;
        const v = report.verdict;
        const where = v.status === "pass" ? "" : ` at ${v.layer} ${v.code}`;
        return `smtpilot ${report.mode} ${host}:${port} ${v.status.toUpperCase()}${where}\n`;
      },
    });
    api.addReplyRules([
      {
        id: "example.acme-quota",
        stages: ["mail", "rcpt"],
        text: /\bACME-QUOTA\b/,
        diagnosis: {
          code: "envelope.rate-limited",
          title: "ACME relay hourly quota reached",
          cause: "The ACME relay counts messages per API key and this key used its hourly quota.",
          next: "Wait for the next hour or raise the key's quota in the ACME console.",
        },
      },
    ]);
  },
};
