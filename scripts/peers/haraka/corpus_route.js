// A Haraka plugin for the bounce corpus (scripts/corpus/haraka-bounces.ts): every local client may
// relay, every recipient is accepted, and outbound mail goes to the loopback address the corpus rig
// names for its domain (SMTPILOT_CORPUS_ROUTES, a JSON object) at SMTPILOT_CORPUS_PORT — so the rig's
// scripted receiver refuses it and Haraka writes the bounce, which it delivers to the rig's catcher.
"use strict";

const routes = JSON.parse(process.env.SMTPILOT_CORPUS_ROUTES || "{}");
const port = Number(process.env.SMTPILOT_CORPUS_PORT);

exports.hook_connect = function (next, connection) {
  connection.relaying = true;
  next();
};

exports.hook_rcpt = function (next) {
  next(OK);
};

exports.hook_get_mx = function (next, _hmail, domain) {
  const host = routes[String(domain).toLowerCase()];
  if (!host) return next();
  next(OK, { exchange: host, port, priority: 10 });
};
