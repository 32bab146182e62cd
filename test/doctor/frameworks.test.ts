// A settings file per framework with each classic mistake: recognised as that framework, the
// mistake named with its code and lines, and the corrected lines written in the framework's own
// syntax. All offline: an offline run must not touch DNS or any socket (the test's I/O throws).
import { test } from "node:test";
import assert from "node:assert/strict";
import { codes, fixOf, offline } from "./doctor-run.ts";

interface Case {
  name: string;
  file: string;
  content: string;
  framework: string;
  /** The codes, in report order (errors first). */
  codes: string[];
  /** The fix lines of the first code, `LINE: text` or `add: text`. */
  fix?: string[];
  alternative?: string[];
}

const CASES: Case[] = [
  {
    name: "Laravel: MAIL_ENCRYPTION=ssl with port 587 (the README's case)",
    file: ".env",
    content:
      "APP_NAME=Shop\nMAIL_MAILER=smtp\nMAIL_HOST=smtp.example.com\nMAIL_PORT=587\nMAIL_USERNAME=shop@example.com\n" +
      "MAIL_PASSWORD=s3cret-Pw\nMAIL_ENCRYPTION=ssl\nMAIL_FROM_ADDRESS=shop@example.com\n",
    framework: "laravel",
    codes: ["doctor.implicit-tls-on-starttls-port"],
    fix: ["7: MAIL_ENCRYPTION=tls", "add: MAIL_SCHEME=smtp"],
    alternative: ["4: MAIL_PORT=465"],
  },
  {
    name: "Laravel 11: MAIL_SCHEME=smtps with port 587",
    file: ".env",
    content: "MAIL_MAILER=smtp\nMAIL_SCHEME=smtps\nMAIL_HOST=smtp.example.com\nMAIL_PORT=587\n",
    framework: "laravel",
    codes: ["doctor.implicit-tls-on-starttls-port"],
    fix: ["2: MAIL_SCHEME=smtp"],
  },
  {
    name: "Laravel: MAIL_ENCRYPTION=tls with port 465",
    file: ".env.production",
    content: "MAIL_MAILER=smtp\nMAIL_HOST=smtp.example.com\nMAIL_PORT=465\nMAIL_ENCRYPTION=tls\n",
    framework: "laravel",
    codes: ["doctor.starttls-on-implicit-port"],
    fix: ["4: MAIL_ENCRYPTION=ssl", "add: MAIL_SCHEME=smtps"],
  },
  {
    name: "Laravel 11's default MAIL_MAILER=log sends nothing",
    file: ".env",
    content: "MAIL_MAILER=log\nMAIL_HOST=127.0.0.1\nMAIL_PORT=2525\n",
    framework: "laravel",
    codes: ["doctor.not-smtp"],
    fix: ["1: MAIL_MAILER=smtp"],
  },
  {
    name: "Laravel: MAIL_SCHEME=tls is refused by Symfony Mailer",
    file: ".env",
    content: "MAIL_MAILER=smtp\nMAIL_HOST=smtp.example.com\nMAIL_PORT=587\nMAIL_SCHEME=tls\n",
    framework: "laravel",
    codes: ["doctor.invalid-value"],
  },
  {
    name: "Symfony: smtps:// on port 587",
    file: ".env.local",
    content: "APP_ENV=prod\nMAILER_DSN=smtps://apikey:SG.s3cret@smtp.sendgrid.net:587\n",
    framework: "symfony",
    codes: ["doctor.implicit-tls-on-starttls-port"],
    fix: ["2: MAILER_DSN=smtp://apikey:****@smtp.sendgrid.net:587?require_tls=true"],
  },
  {
    name: "Symfony: verify_peer=0 turns certificate checks off",
    file: ".env",
    content: "MAILER_DSN=smtp://user:pw@mail.example.com:587?verify_peer=0\n",
    framework: "symfony",
    codes: ["doctor.tls-verification-off"],
  },
  {
    name: "Django settings.py: EMAIL_USE_SSL with port 587",
    file: "settings.py",
    content:
      'import os\n\nEMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"\nEMAIL_HOST = "smtp.example.com"\n' +
      'EMAIL_PORT = 587\nEMAIL_HOST_USER = "app@example.com"\nEMAIL_HOST_PASSWORD = os.environ["EMAIL_HOST_PASSWORD"]\n' +
      "EMAIL_USE_SSL = True  # secure\n",
    framework: "django",
    codes: ["doctor.implicit-tls-on-starttls-port"],
    fix: ["8: EMAIL_USE_SSL = False", "add: EMAIL_USE_TLS = True"],
    alternative: ["5: EMAIL_PORT = 465"],
  },
  {
    name: "Django settings.py: both EMAIL_USE_TLS and EMAIL_USE_SSL",
    file: "settings.py",
    content: 'EMAIL_HOST = "smtp.example.com"\nEMAIL_PORT = 465\nEMAIL_USE_TLS = True\nEMAIL_USE_SSL = True\n',
    framework: "django",
    codes: ["doctor.tls-flags-conflict"],
    fix: ["3: EMAIL_USE_TLS = False"],
  },
  {
    name: "Django settings.py: port 587 without any TLS flag, with a login",
    file: "settings.py",
    content: 'EMAIL_HOST = "smtp.example.com"\nEMAIL_PORT = 587\nEMAIL_HOST_USER = "me@example.com"\n' +
      'EMAIL_HOST_PASSWORD = "pw"\n',
    framework: "django",
    codes: ["doctor.no-tls"],
    fix: ["add: EMAIL_USE_TLS = True"],
  },
  {
    name: "Django .env: EMAIL_USE_TLS=True with port 465",
    file: ".env",
    content: "EMAIL_HOST=smtp.example.com\nEMAIL_PORT=465\nEMAIL_USE_TLS=True\nEMAIL_HOST_USER=a@example.com\n" +
      "EMAIL_HOST_PASSWORD=pw\n",
    framework: "django",
    codes: ["doctor.starttls-on-implicit-port"],
    fix: ["3: EMAIL_USE_TLS=False", "add: EMAIL_USE_SSL=True"],
  },
  {
    name: "Django: the console backend sends nothing",
    file: "settings.py",
    content: 'EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"\nEMAIL_HOST = "smtp.example.com"\n' +
      "EMAIL_PORT = 587\nEMAIL_USE_TLS = True\n",
    framework: "django",
    codes: ["doctor.not-smtp"],
    fix: ['1: EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"'],
  },
  {
    name: "Rails YAML: tls: true with port 587 (production section)",
    file: "smtp.yml",
    content: "development:\n  smtp_settings:\n    address: localhost\n    port: 1025\nproduction:\n  smtp_settings:\n" +
      "    address: smtp.example.com\n    port: 587\n    user_name: app@example.com\n" +
      '    password: <%= ENV["SMTP_PASSWORD"] %>\n    authentication: plain\n    tls: true\n',
    framework: "rails",
    codes: ["doctor.implicit-tls-on-starttls-port"],
    fix: ["add: enable_starttls_auto: true", "12: tls: false"],
  },
  {
    name: "Rails Ruby: enable_starttls_auto with port 465",
    file: "production.rb",
    content: "Rails.application.configure do\n  config.action_mailer.delivery_method = :smtp\n" +
      "  config.action_mailer.smtp_settings = {\n    address: 'smtp.gmail.com', # Gmail\n    port: 465,\n" +
      "    user_name: ENV.fetch('GMAIL_USER', 'me@gmail.com'),\n    password: ENV['GMAIL_PASSWORD'],\n" +
      "    authentication: :plain,\n    enable_starttls_auto: true\n  }\nend\n",
    framework: "rails",
    codes: ["doctor.starttls-on-implicit-port"],
    fix: ["add: tls: true,", "9: enable_starttls_auto: false,"],
  },
  {
    name: "Rails .env: SMTP_TLS=true with SMTP_ENABLE_STARTTLS=true",
    file: ".env",
    content: "SMTP_ADDRESS=smtp.example.com\nSMTP_PORT=587\nSMTP_USER_NAME=u@example.com\nSMTP_PASSWORD=pw\n" +
      "SMTP_TLS=true\nSMTP_ENABLE_STARTTLS=true\n",
    framework: "rails",
    codes: ["doctor.tls-flags-conflict"],
    fix: ["add: SMTP_ENABLE_STARTTLS_AUTO=true", "5: SMTP_TLS=false"],
  },
  {
    name: "Nodemailer: SMTP_SECURE=true with port 587",
    file: ".env",
    content: "SMTP_HOST=smtp.example.com\nSMTP_PORT=587\nSMTP_SECURE=true\nSMTP_USER=u@example.com\nSMTP_PASS=pw\n",
    framework: "nodemailer",
    codes: ["doctor.implicit-tls-on-starttls-port"],
    fix: ["3: SMTP_SECURE=false"],
    alternative: ["2: SMTP_PORT=465"],
  },
  {
    name: "Nodemailer: SMTP_SECURE=false with port 465",
    file: ".env",
    content: "SMTP_HOST=smtp.example.com\nSMTP_PORT=465\nSMTP_SECURE=false\n",
    framework: "nodemailer",
    codes: ["doctor.starttls-on-implicit-port"],
    fix: ["3: SMTP_SECURE=true"],
  },
  {
    name: "Spring properties: ssl.enable with port 587",
    file: "application.properties",
    content: "spring.mail.host=smtp.example.com\nspring.mail.port=587\nspring.mail.username=app@example.com\n" +
      "spring.mail.password=${MAIL_PASSWORD}\nspring.mail.properties.mail.smtp.auth=true\n" +
      "spring.mail.properties.mail.smtp.ssl.enable=true\n",
    framework: "spring",
    codes: ["doctor.implicit-tls-on-starttls-port"],
    fix: [
      "6: spring.mail.properties.mail.smtp.ssl.enable=false",
      "add: spring.mail.properties.mail.smtp.starttls.enable=true",
      "add: spring.mail.properties.mail.smtp.starttls.required=true",
    ],
  },
  {
    name: "Spring YAML: starttls.enable with port 465",
    file: "application.yml",
    content:
      "spring:\n  mail:\n    host: smtp.example.com\n    port: 465\n    properties:\n      mail:\n        smtp:\n" +
      "          starttls:\n            enable: true\n",
    framework: "spring",
    codes: ["doctor.starttls-on-implicit-port"],
    fix: ["add: enable: true", "9: enable: false"],
  },
  {
    name: "Spring properties: port 587 with a login and no TLS property",
    file: "application.properties",
    content: "spring.mail.host=smtp.example.com\nspring.mail.port=587\nspring.mail.username=a@example.com\n" +
      "spring.mail.password=pw\n",
    framework: "spring",
    codes: ["doctor.no-tls"],
    fix: [
      "add: spring.mail.properties.mail.smtp.starttls.enable=true",
      "add: spring.mail.properties.mail.smtp.starttls.required=true",
    ],
  },
  {
    name: "WordPress: WPMS_SSL ssl with port 587",
    file: "wp-config.php",
    content: "<?php\ndefine( 'DB_NAME', 'wp' );\ndefine( 'WPMS_ON', true );\ndefine( 'WPMS_MAILER', 'smtp' );\n" +
      "define( 'WPMS_SMTP_HOST', 'smtp.example.com' );\ndefine( 'WPMS_SMTP_PORT', 587 );\n" +
      "define( 'WPMS_SSL', 'ssl' ); // Possible values '', 'ssl', 'tls'\ndefine( 'WPMS_SMTP_AUTH', true );\n" +
      "define( 'WPMS_SMTP_USER', 'site@example.com' );\ndefine( 'WPMS_SMTP_PASS', 'pw' );\n",
    framework: "wordpress",
    codes: ["doctor.implicit-tls-on-starttls-port"],
    fix: ["7: define( 'WPMS_SSL', 'tls' );"],
  },
  {
    name: "WordPress: WP Mail SMTP constants without WPMS_ON are ignored",
    file: "wp-config.php",
    content: "<?php\n/* define( 'WPMS_ON', true ); */\ndefine( 'WPMS_SMTP_HOST', 'smtp.example.com' );\n" +
      "define( 'WPMS_SMTP_PORT', 465 );\ndefine( 'WPMS_SSL', 'ssl' );\n",
    framework: "wordpress",
    codes: ["doctor.settings-ignored"],
    fix: ["add: define( 'WPMS_ON', true );"],
  },
  {
    name: "WordPress phpmailer_init snippet: SMTP_SECURE tls with port 465",
    file: "wp-config.php",
    content: "<?php\ndefine( 'SMTP_USER', 'user@example.com' );\ndefine( 'SMTP_PASS', 'pw' );\n" +
      "define( 'SMTP_HOST', 'smtp.example.com' );\ndefine( 'SMTP_PORT', '465' );\ndefine( 'SMTP_SECURE', 'tls' );\n",
    framework: "wordpress",
    codes: ["doctor.starttls-on-implicit-port"],
    fix: ["6: define( 'SMTP_SECURE', 'ssl' );"],
  },
];

for (const c of CASES) {
  test(`${c.name}: ${c.codes.join(", ")} and the fix in ${c.framework}'s terms`, async () => {
    const report = await offline(c.file, c.content);
    assert.equal(report.settings?.framework, c.framework);
    for (const code of c.codes) assert.ok(codes(report).includes(code), codes(report).join(", "));
    assert.equal(report.findings[0]?.code, c.codes[0], codes(report).join(", "));
    assert.equal(report.mode, "settings-check");
    assert.equal(
      report.verdict.exitCode,
      c.codes.length > 0 && report.findings.some((f) => f.severity === "error") ? 1 : 0,
    );
    if (c.fix) assert.deepEqual(fixOf(report, c.codes[0] as string).sort(), [...c.fix].sort());
    if (c.alternative) assert.deepEqual(fixOf(report, c.codes[0] as string, "alternative"), c.alternative);
    // Each finding points at lines that exist and holds no secret value.
    for (const f of report.findings) {
      for (const from of f.from) if (from.line !== undefined) assert.ok(from.line >= 1, JSON.stringify(f));
    }
  });
}
