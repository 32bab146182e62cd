// An example smtpilot provider plugin, plain JavaScript with no imports, so it loads into the
// single binary too:
//
//   smtpilot --plugin ./examples/plugins/example-provider.mjs profile add work --provider acme-mail \
//     --user me@example.com --secret env:ACME_SMTP_KEY
//   smtpilot --plugin ./examples/plugins/example-provider.mjs profile check work
//
// or list it once in ~/smtp/memory.md (`plugins: [./plugins/example-provider.mjs]`).
//
// It teaches smtpilot about "Acme Mail", a made-up sending service: where it takes submissions
// (the preset `profile add` starts from), what its user name and secret are, who may be the
// sender and how fast one may send (read by the send workflow), how to recognise a domain that
// uses it from DNS (`profile add NAME --email ADDRESS`), and what its replies mean. Its reply
// rules are consulted first for profiles with `provider: acme-mail` and for the host
// smtp.acme-mail.example, before smtpilot's own table; they never apply to other servers.

/** Stages of the envelope layer: a refusal at MAIL FROM, RCPT TO or after DATA. */
const ENVELOPE = ["mail", "rcpt", "data"];

export default {
  name: "example-acme-mail",
  version: "1.0.0",
  setup(api) {
    api.addProvider({
      // Stored in profiles as `provider: acme-mail`; kebab-case.
      name: "acme-mail",
      title: "Acme Mail (example provider plugin)",
      // The first endpoint is the preset; the others are offered when --port names them.
      // `{region}` is filled from --host, a question on a terminal, or a DNS match below.
      endpoints: [
        { host: "smtp.{region}.acme-mail.example", port: 587, tls: "starttls" },
        { host: "smtp.{region}.acme-mail.example", port: 465, tls: "implicit", note: "implicit TLS" },
      ],
      hostVariables: {
        region: { description: "your Acme Mail region", pattern: /^(?:eu|us|ap)[1-9]$/, example: "eu1" },
      },
      user: { hint: "your Acme Mail address", isEmail: true },
      secretHint: "an Acme API key with the smtp:send scope (starts with acme_), never your web password",
      identityPolicy: {
        rule: "verified-identity",
        summary: "From must be an address or domain verified in the Acme dashboard",
      },
      rateLimit: { perSecond: 5, perDay: 10000, summary: "5 messages a second, 10,000 a day on the standard plan" },
      // Submission hosts that identify Acme even without a profile.
      hosts: [/^smtp\.(?:eu|us|ap)[1-9]\.acme-mail\.example$/],
      // A domain whose MX is Acme's inbound service probably sends through Acme too; the named
      // group fills the {region} placeholder of the preset.
      detect: {
        mx: [/^inbound\.(?<region>(?:eu|us|ap)[1-9])\.acme-mail\.example$/],
        srv: [/^smtp\.(?<region>(?:eu|us|ap)[1-9])\.acme-mail\.example$/],
      },
      // Rule ids start with the provider's name; the diagnosis code belongs to the layer of the
      // stages (auth.*, envelope.*). `authenticated: false` would limit a rule to anonymous runs,
      // `ports: [25]` to one port.
      replyRules: [
        {
          id: "acme-mail.key-scope",
          stages: ["auth"],
          code: /^535$/,
          text: /\bkey lacks smtp:send\b/i,
          diagnosis: {
            code: "auth.invalid-credentials",
            title: "The Acme API key cannot send mail",
            cause: "The key is valid but was created without the smtp:send scope.",
            next:
              "Create a key with the smtp:send scope in the Acme dashboard (Settings → API keys) and put it behind the secret reference.",
          },
        },
        {
          id: "acme-mail.unverified-sender",
          stages: ENVELOPE,
          text: /\bACME-UNVERIFIED\b/,
          diagnosis: {
            code: "envelope.identity-not-verified",
            title: "Acme has not verified this sender",
            cause: "Acme sends only from addresses or domains verified in its dashboard.",
            next: "Verify the From address or its domain under Senders in the Acme dashboard, then check again.",
          },
        },
        {
          id: "acme-mail.daily-quota",
          stages: ENVELOPE,
          code: /^4\d\d$/,
          text: /\bdaily quota\b/i,
          diagnosis: {
            code: "envelope.rate-limited",
            title: "Acme's daily quota is used up",
            cause: "The account sent its plan's daily number of messages.",
            next:
              "Wait until midnight UTC or upgrade the plan; smtpilot's send workflow paces itself by the provider's rate.",
          },
        },
      ],
      facts: [
        "smtp.REGION.acme-mail.example: 587 STARTTLS or 465 implicit TLS",
        "The secret is an API key with the smtp:send scope",
      ],
    });
  },
};
