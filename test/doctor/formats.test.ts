// The settings-file syntaxes: each key with its line, literals as written, environment reads named,
// expressions left alone — and nothing in a code file ever run.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { EntryValue, SettingsEntries } from "../../core/doctor/formats/entries.ts";
import { entriesOf, syntaxOf } from "../../core/doctor/formats/settings-file.ts";

function view(e: SettingsEntries): Record<string, [number, EntryValue]> {
  return Object.fromEntries([...e.entries].map(([k, v]) => [k, [v.line, v.value]]));
}
const lit = (text: string): EntryValue => ({ kind: "literal", text });

test("syntaxOf() knows a file by its name, else by what it holds", () => {
  assert.equal(syntaxOf("/a/.env", ""), "dotenv");
  assert.equal(syntaxOf("/a/.env.production", ""), "dotenv");
  assert.equal(syntaxOf("/a/application.properties", ""), "properties");
  assert.equal(syntaxOf("/a/application.yml", ""), "yaml");
  assert.equal(syntaxOf("/a/wp-config.php", ""), "php");
  assert.equal(syntaxOf("/a/settings.py", ""), "python");
  assert.equal(syntaxOf("/a/production.rb", ""), "ruby");
  assert.equal(syntaxOf("/tmp/input.txt", "<?php\ndefine('A', 1);"), "php");
  assert.equal(syntaxOf("/tmp/input.txt", "spring.mail.host=x\n"), "properties");
  assert.equal(syntaxOf("/tmp/input.txt", "spring:\n  mail:\n    host: x\n"), "yaml");
  assert.equal(syntaxOf("/tmp/input.txt", "MAIL_HOST=x\n"), "dotenv");
});

test("dotenv: lines of the last definition, ${KEY} from the same file else the environment", () => {
  const e = entriesOf("dotenv", 'A=1\n# c\nB="two"\nA=3\nC=${B}\nD=${NOPE}\n');
  assert.deepEqual(view(e), {
    B: [3, lit("two")],
    A: [4, lit("3")],
    C: [5, lit("two")],
    D: [6, { kind: "env", name: "NOPE" }],
  });
});

test("properties: separators, continuations, escapes, ${X:fallback}", () => {
  const e = entriesOf(
    "properties",
    "# comment\n! also\nspring.mail.host = smtp.example.com\nspring.mail.port:587\nkey\\ one value\n" +
      "long=a\\\n   b\nspring.mail.username=${MAIL_USER:me@example.com}\nu=caf\\u00e9\n",
  );
  assert.deepEqual(view(e), {
    "spring.mail.host": [3, lit("smtp.example.com")],
    "spring.mail.port": [4, lit("587")],
    "key one": [5, lit("value")],
    long: [6, lit("ab")],
    "spring.mail.username": [8, { kind: "env", name: "MAIL_USER", fallback: "me@example.com" }],
    u: [9, lit("café")],
  });
});

test("yaml: dotted keys with the key's line, ERB and ${} reads, Spring's [bracket] keys, aliases not expanded", () => {
  const e = entriesOf(
    "yaml",
    'base: &b\n  x: 1\nspring:\n  mail:\n    port: 465\n    properties:\n      "[mail.smtp.ssl.enable]": true\n' +
      '    password: ${MAIL_PASSWORD}\nprod:\n  password: <%= ENV.fetch("SMTP_PASSWORD", "dflt") %>\n  copy: *b\n',
  );
  const v = view(e);
  assert.deepEqual(v["spring.mail.port"], [5, lit("465")]);
  assert.deepEqual(v["spring.mail.properties.mail.smtp.ssl.enable"], [7, lit("true")]);
  assert.deepEqual(v["spring.mail.password"], [8, { kind: "env", name: "MAIL_PASSWORD" }]);
  assert.deepEqual(v["prod.password"], [10, { kind: "env", name: "SMTP_PASSWORD", fallback: "dflt" }]);
  assert.deepEqual(v["prod.copy"], [11, { kind: "expression" }]);
  assert.throws(() => entriesOf("yaml", "a: [unclosed\n"), /line \d+: is not valid YAML/);
});

test("php: define() in code only — not in comments or strings — literals, casts and environment reads", () => {
  const e = entriesOf(
    "php",
    "<?php\n// define( 'A', 'commented' );\n/* define('B', 1);\n*/\n# define('C', 2);\n$s = \"define('D', 3)\";\n" +
      "define( 'E', 'it\\'s' );\ndefine(\"F\", 587);\ndefine( 'G', (int) getenv( 'SMTP_PORT' ) );\n" +
      "define('H', TRUE);\ndefine('I', \"x$y\");\ndefine('J', env('X', 'fb'));\ndefine('K', some_call());\n",
  );
  assert.deepEqual(view(e), {
    E: [7, lit("it's")],
    F: [8, lit("587")],
    G: [9, { kind: "env", name: "SMTP_PORT" }],
    H: [10, lit("true")],
    I: [11, { kind: "expression" }],
    J: [12, { kind: "env", name: "X", fallback: "fb" }],
    K: [13, { kind: "expression" }],
  });
});

test("python: module-level assignments, comments, environment reads, triple-quoted text skipped", () => {
  const e = entriesOf(
    "python",
    'import os\n"""\nEMAIL_HOST = "not this"\n"""\nEMAIL_HOST = "smtp.example.com"  # the # host\n' +
      'EMAIL_PORT: int = 587\nEMAIL_USE_TLS = True\nEMAIL_HOST_PASSWORD = os.environ.get("PW", "")\n' +
      'DEFAULT_FROM_EMAIL = env("FROM", default="a@b.c")\n    INDENTED = 1\nX = f"{y}"\nY = r"a\\b"\n',
  );
  assert.deepEqual(view(e), {
    EMAIL_HOST: [5, lit("smtp.example.com")],
    EMAIL_PORT: [6, lit("587")],
    EMAIL_USE_TLS: [7, lit("true")],
    EMAIL_HOST_PASSWORD: [8, { kind: "env", name: "PW", fallback: "" }],
    DEFAULT_FROM_EMAIL: [9, { kind: "env", name: "FROM", fallback: "a@b.c" }],
    X: [11, { kind: "expression" }],
    Y: [12, lit("a\\b")],
  });
});

test("ruby: ActionMailer hashes with comments, symbols, ENV reads and interpolation", () => {
  const e = entriesOf(
    "ruby",
    "config.action_mailer.delivery_method = :smtp # yes\nconfig.action_mailer.smtp_settings = {\n" +
      '  # a comment, with a comma\n  address: "smtp.example.com",\n  :port => 587,\n' +
      "  'user_name' => ENV['SMTP_USER'],\n  password: ENV.fetch(\"SMTP_PASSWORD\", nil),\n" +
      '  domain: "#{host}.example",\n  authentication: :login\n}\n',
  );
  assert.deepEqual(view(e), {
    delivery_method: [1, lit("smtp")],
    "smtp_settings.address": [4, lit("smtp.example.com")],
    "smtp_settings.port": [5, lit("587")],
    "smtp_settings.user_name": [6, { kind: "env", name: "SMTP_USER" }],
    "smtp_settings.password": [7, { kind: "env", name: "SMTP_PASSWORD" }],
    "smtp_settings.domain": [8, { kind: "expression" }],
    "smtp_settings.authentication": [9, lit("login")],
  });
});
