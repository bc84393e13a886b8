// GraphiQL as served by `resguardo serve`, in headless Debian Chromium with
// the network restricted to the server: every request to another origin is
// aborted and counted (WebSockets to the same host are let through).
// Checks that opening /graphql leads to /graphiql, that the editor renders
// under the page's CSP, that a query runs over HTTP and that a subscription
// runs over the page's WebSocket (an anonymous requester with a wrong access
// key: the server's refusal must reach the result pane) signed in with the
// Authorization header typed in the Headers tab. Takes screenshots
// into $SCREENSHOT_DIR (default /tmp), prints an axe-core summary, and
// fails on any aborted request, uncaught page error or CSP violation.
// Usage: node tests/browser/graphiql.mjs http://127.0.0.1:PORT
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const base = new URL(process.argv[2] ?? "");
const screenshots = process.env.SCREENSHOT_DIR || "/tmp";
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = 30_000;

const QUERY = "{ departments { code name } }";
const SUBSCRIPTION =
  'subscription { requestStatusChanges(fileNumber: "AT-2026-999999", accessKey: "XXXX-XXXX-XXXX-XXXX-XXXX") { status } }';

const aborted = [];
const pageErrors = [];
const consoleErrors = [];
const cspViolations = [];
const sockets = [];

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exitCode = 1;
  throw new Error(message);
}

const sameOrigin = (url) => url.origin === base.origin;
const sameHost = (url) => url.host === base.host && (url.protocol === "ws:" || url.protocol === "wss:");

const profile = mkdtempSync(join(tmpdir(), "resguardo-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1280, height: 800 },
  locale: "es-PE",
  serviceWorkers: "block",
});

try {
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (sameOrigin(url) || url.protocol === "data:") return route.continue();
    aborted.push(url.href);
    return route.abort("blockedbyclient");
  });
  await context.routeWebSocket(
    (url) => !sameHost(url),
    (socket) => {
      aborted.push(socket.url());
      socket.close({ code: 1008, reason: "third-party host" });
    },
  );
  // Reported to the test, not to the page (bindings are not subject to CSP).
  await context.exposeBinding("__reportCspViolation", (_source, violation) => cspViolations.push(violation));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__reportCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });

  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(TIMEOUT);
  page.on("pageerror", (error) => pageErrors.push(String(error.stack || error)));
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("websocket", (socket) => {
    const record = { url: socket.url(), sent: [], received: [], closed: false };
    sockets.push(record);
    socket.on("framesent", (frame) => record.sent.push(String(frame.payload)));
    socket.on("framereceived", (frame) => record.received.push(String(frame.payload)));
    socket.on("close", () => (record.closed = true));
  });

  // 1. A browser opening /graphql is sent to GraphiQL.
  const opened = await page.goto(new URL("/graphql", base).href, { waitUntil: "load" });
  const redirect = opened?.request().redirectedFrom();
  if (new URL(page.url()).pathname !== "/graphiql") fail(`GET /graphql led to ${page.url()}, not /graphiql`);
  const redirectStatus = redirect ? (await redirect.response())?.status() : undefined;
  if (redirectStatus !== 303) fail(`GET /graphql answered ${redirectStatus}, not 303 See Other`);
  console.log(`GET /graphql from a browser: ${redirectStatus} to ${new URL(page.url()).pathname}`);

  const headers = opened.headers();
  console.log(`Content-Security-Policy: ${headers["content-security-policy"]}`);
  if (!headers["content-security-policy"]) fail("the page has no Content-Security-Policy");

  // 2. The editor renders, and the schema arrives (introspection over HTTP).
  await page.locator(".graphiql-container").waitFor({ state: "visible" });
  await page.locator(".graphiql-query-editor .CodeMirror").waitFor({ state: "visible" });
  await page.locator(".graphiql-execute-button").waitFor({ state: "visible" });
  console.log("the editor rendered");

  const editorValue = (selector) =>
    page.evaluate((s) => document.querySelector(s)?.CodeMirror?.getValue() ?? null, selector);
  const responseText = () => editorValue(".result-window .CodeMirror");

  // Replaces what an editor holds, as a person would: click, select all,
  // type. insertText types no key events: the editor's bracket closing and
  // autocompletion stay out of the way.
  async function type(selector, text, what) {
    await page.locator(selector).click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(text);
    const typed = await editorValue(selector);
    if (typed !== text) fail(`the editor holds ${JSON.stringify(typed)}, not the ${what}`);
  }

  async function run(text, expect, what) {
    await type(".graphiql-query-editor .CodeMirror", text, what);
    await page.locator(".graphiql-execute-button").click();
    try {
      await page.waitForFunction(
        (patterns) => {
          const value = document.querySelector(".result-window .CodeMirror")?.CodeMirror?.getValue() ?? "";
          return patterns.every((p) => new RegExp(p).test(value));
        },
        expect.map((p) => p.source),
        { timeout: TIMEOUT },
      );
    } catch {
      fail(`the ${what}'s result never showed ${expect.join(" and ")}; the pane holds: ${await responseText()}`);
    }
    // A subscription that the server ended gives the button back.
    await page
      .locator('.graphiql-execute-button[aria-label^="Execute"]')
      .waitFor({ timeout: TIMEOUT })
      .catch(() => fail(`the ${what} was still running after its result`));
    const result = await responseText();
    console.log(`${what} ran; the result pane holds:\n${result.split("\n").slice(0, 12).join("\n")}${result.split("\n").length > 12 ? "\n  …" : ""}`);
    return result;
  }

  // 3. A query, over HTTP.
  await run(QUERY, [/"departments"/, /Amazonas/], "query");
  await page.screenshot({ path: join(screenshots, "graphiql-query.png") });

  // 4. A subscription, over the page's WebSocket: refused for a wrong key.
  await run(SUBSCRIPTION, [/FORBIDDEN|no son correctos/], "subscription");
  await page.screenshot({ path: join(screenshots, "graphiql-subscription.png") });
  const live = sockets.filter((s) => {
    const url = new URL(s.url);
    return sameHost(url) && url.pathname === "/graphql/ws";
  });
  if (live.length === 0) fail(`the subscription opened no WebSocket to ${base.host}/graphql/ws (saw: ${sockets.map((s) => s.url)})`);
  const acked = live.some((s) => s.received.some((f) => f.includes('"connection_ack"')));
  if (!acked) fail("the WebSocket was never acknowledged (connection_ack)");
  console.log(`WebSocket: ${live.map((s) => s.url).join(", ")} (connection_ack received)`);

  // 5. The Authorization header typed in the Headers tab signs the socket
  // in: it goes in connection_init's payload, and the server's refusal of
  // a token it never issued (close 4403) reaches the result pane.
  const token = "Bearer not-a-token-of-this-server";
  if (!(await page.locator('button[data-name="headers"].active').count())) {
    await page.locator('button[data-name="headers"]').click();
  }
  const headersEditor = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror";
  await type(headersEditor, JSON.stringify({ Authorization: token }), "headers");
  const socketsBefore = sockets.length;
  await run(SUBSCRIPTION, [/sesión inválida o vencida/, /4403/], "subscription with a token");
  const init = sockets
    .slice(socketsBefore)
    .flatMap((s) => s.sent.map((f) => JSON.parse(f)))
    .find((m) => m.type === "connection_init");
  if (init?.payload?.authorization !== token) {
    fail(`connection_init did not carry the typed header: ${JSON.stringify(init)}`);
  }
  console.log(`connection_init payload: ${JSON.stringify(init.payload)}`);
  await page.screenshot({ path: join(screenshots, "graphiql-token.png") });

  // 6. Accessibility, as axe-core sees the page (reported, not enforced:
  // most of the markup is GraphiQL's).
  await page.evaluate(readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  const axe = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  console.log(
    `axe-core ${require("axe-core/package.json").version}: ${axe.length} kinds of violation` +
      (axe.length ? `: ${axe.map((v) => `${v.id} (${v.impact}, ${v.nodes})`).join(", ")}` : ""),
  );

  // 7. Nothing left the server's origin; nothing broke.
  if (aborted.length) fail(`${aborted.length} requests to other hosts were aborted: ${aborted.join(", ")}`);
  if (pageErrors.length) fail(`uncaught page errors:\n${pageErrors.join("\n")}`);
  if (cspViolations.length) fail(`CSP violations:\n${cspViolations.join("\n")}`);
  if (consoleErrors.length) console.log(`console errors (not failures):\n  ${consoleErrors.join("\n  ")}`);
  const shots = ["graphiql-query.png", "graphiql-subscription.png", "graphiql-token.png"];
  console.log(`screenshots: ${shots.map((f) => join(screenshots, f)).join(", ")}`);
  console.log("0 aborted third-party requests, 0 page errors, 0 CSP violations");
  console.log("6 passed, 0 failed");
} catch (error) {
  if (!process.exitCode) console.error(`FAIL: ${error.stack || error}`);
  process.exitCode = 1;
} finally {
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
