// GraphQL subscriptions over WebSocket (`/graphql/ws`, graphql-transport-ws)
// with the npm client graphql-ws, against a running `resguardo serve --demo`:
//
//   node subscriptions.mjs SUBSCRIBE_TO [MUTATE_THROUGH]
//
// Each argument is a server: `127.0.0.1:8080`, `http://127.0.0.1:8080`,
// `http://…/graphql` or `ws://…/graphql/ws`. Subscribers connect to the first;
// logins and mutations go over HTTP to the second (the first when left out),
// so with two instances on one PostgreSQL every event must cross instances.
//
// Asserts: an officer's `caseEvents` hears a request filed over HTTP and the
// steps taken on it; its requester's `requestStatusChanges` (anonymous)
// hears RECEIVED → UNDER_REVIEW and nothing about another request; a
// coordinator's `caseEvents` is FORBIDDEN; a query over the socket is told
// USE_HTTP; and the protocol's close codes: 4403 (bogus token, through the
// graphql-ws client), 4401 (subscribe before connection_init), 4408 (no
// connection_init in 10 s), 4409 (duplicate id), 4429 (second
// connection_init), 4406 (no subprotocol). Prints the counts; exits 1 with
// the reason on the first failure. Every wait is bounded (20 s).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const PASSWORD = 'demo-resguardo-2026';
const OFFICER = 'oficial@demo.resguardo.pe';
const COORDINATOR = 'mininter@demo.resguardo.pe'; // sector MININTER
const WAIT_MS = 20_000; // the longest any expectation may take
// The protocol has no "subscription started" message: the server starts
// listening right after it reads `subscribe`. Mutations wait this long
// after subscribing, so that no event is sent before anyone listens.
const SETTLE_MS = 1_000;
// How long to go on listening for what must not arrive.
const QUIET_MS = 1_500;

function usage() {
  console.error('usage: node subscriptions.mjs SUBSCRIBE_TO [MUTATE_THROUGH]   (host:port or a URL of the server)');
  process.exit(2);
}

/** `host:port` of a server given as host:port or as any URL of it. */
function hostOf(argument) {
  if (!argument) usage();
  const url = new URL(/^[a-z]+:\/\//i.test(argument) ? argument : `http://${argument}`);
  return url.host;
}

const subscriberHost = hostOf(process.argv[2]);
const mutatorHost = process.argv[3] ? hostOf(process.argv[3]) : subscriberHost;
const WS_URL = `ws://${subscriberHost}/graphql/ws`;
const HTTP_URL = `http://${mutatorHost}/graphql`;
const twoInstances = mutatorHost !== subscriberHost;
const started = performance.now();
const elapsed = (since = started) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

class Failure extends Error {}
function check(condition, message) {
  if (!condition) throw new Failure(message);
}
const show = (value) => JSON.stringify(value);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a failure naming `what` (a string, or a function giving one) after `ms`. */
function within(promise, what, ms = WAIT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const described = typeof what === 'function' ? what() : what;
      reject(new Failure(`timed out after ${ms / 1000} s waiting for ${described}`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- HTTP side

/** A GraphQL operation over HTTP to the mutating instance; its data, or a failure. */
async function gql(query, variables = {}, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(HTTP_URL, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Failure(`HTTP ${response.status} from ${HTTP_URL}, not JSON: ${text.slice(0, 300)}`);
  }
  check(!body.errors, `${query.split('(')[0].trim()} failed over HTTP (${response.status}): ${show(body.errors)}`);
  return body.data;
}

async function login(email) {
  const data = await gql(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id } } }',
    { e: email, p: PASSWORD },
  );
  return { token: data.login.token, id: data.login.user.id };
}

let filed = 0;
async function fileRequest(name) {
  filed += 1;
  const data = await gql(
    'mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber accessKey replayed } }',
    {
      i: {
        idempotencyKey: `subscriptions-${randomUUID()}`,
        beneficiaries: [{ name, gender: 'FEMALE' }],
        place: { ubigeo: '250101' },
        defenderCategory: 'INDIGENOUS',
        aggressionTypes: ['THREAT'],
        language: 'SPANISH',
        consent: { status: 'GIVEN' },
        facts: 'Amenazas tras denunciar la tala ilegal en su comunidad.',
      },
    },
  );
  check(!data.submitRequest.replayed, 'a fresh idempotency key was answered as a replay');
  return data.submitRequest;
}

// ----------------------------------------------------------- graphql-ws side

const clients = [];

/** A graphql-ws client on the subscribing instance, connected (acknowledged). */
async function connect(token, label) {
  let acknowledged;
  const connected = new Promise((resolve, reject) => {
    acknowledged = { resolve, reject };
  });
  const client = createClient({
    url: WS_URL,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: (error) => acknowledged.reject(error),
    on: {
      connected: () => acknowledged.resolve(),
      closed: (event) => acknowledged.reject(event),
    },
  });
  clients.push(client);
  try {
    await within(connected, `connection_ack for the ${label}`);
  } catch (error) {
    if (error instanceof Failure) throw error;
    throw new Failure(`the ${label}'s connection was closed before connection_ack: ${describeClose(error)}`);
  }
  return client;
}

function describeClose(event) {
  if (event && typeof event === 'object' && 'code' in event) {
    return `close ${event.code}${event.reason ? ` "${event.reason}"` : ''}`;
  }
  return String(event?.message ?? event);
}

/**
 * A subscription and everything it received, in order: `next` payloads,
 * an `error` message's errors, `complete`, or the connection's close.
 */
class Watch {
  constructor(client, label, query, variables = {}) {
    this.label = label;
    this.received = []; // { type: 'next' | 'error' | 'complete' | 'closed', payload, at }
    this.waiters = new Set();
    this.dispose = client.subscribe(
      { query, variables },
      {
        next: (payload) => this.push({ type: 'next', payload }),
        error: (error) =>
          this.push(Array.isArray(error) ? { type: 'error', payload: error } : { type: 'closed', payload: error }),
        complete: () => this.push({ type: 'complete' }),
      },
    );
  }

  push(message) {
    message.at = performance.now();
    this.received.push(message);
    for (const waiter of this.waiters) waiter();
  }

  /** The `next` payloads' data for the subscription's field. */
  events(field) {
    return this.received.filter((m) => m.type === 'next' && m.payload.data).map((m) => m.payload.data[field]);
  }

  ended() {
    return this.received.find((m) => m.type !== 'next' || m.payload.errors);
  }

  /** The first message matching `predicate` (maybe one already received). */
  waitFor(what, predicate) {
    return within(
      new Promise((resolve, reject) => {
        const look = () => {
          const found = this.received.find(predicate);
          if (found) return finish(resolve, found);
          const end = this.ended();
          if (end) {
            finish(reject, new Failure(`${this.label}: ended before ${what}: ${describeMessage(end)}`));
          }
        };
        const finish = (settle, value) => {
          this.waiters.delete(look);
          settle(value);
        };
        this.waiters.add(look);
        look();
      }),
      () => `${what} (${this.label}; received so far: ${this.received.map(describeMessage).join(', ') || 'nothing'})`,
    );
  }
}

function describeMessage(message) {
  switch (message.type) {
    case 'next':
      return `next ${show(message.payload)}`;
    case 'error':
      return `error ${show(message.payload)}`;
    case 'closed':
      return `connection closed (${describeClose(message.payload)})`;
    default:
      return message.type;
  }
}

const codesOf = (errors) => (errors ?? []).map((e) => e?.extensions?.code);

// ------------------------------------------------------------ raw sockets

/**
 * A raw socket (no graphql-ws client) sending `messages` as told; resolves
 * with the close code and reason, what the server sent, and how long it
 * took. `onMessage(message, socket)` may answer.
 */
function rawSocket(what, { protocol = 'graphql-transport-ws', send = [], onMessage } = {}) {
  const opened = performance.now();
  const socket = protocol ? new WebSocket(WS_URL, protocol) : new WebSocket(WS_URL);
  const received = [];
  return within(
    new Promise((resolve, reject) => {
      socket.on('open', () => {
        for (const message of send) socket.send(JSON.stringify(message));
      });
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString());
        received.push(message);
        onMessage?.(message, socket);
      });
      socket.on('error', (error) => reject(new Failure(`${what}: socket error: ${error.message}`)));
      socket.on('close', (code, reason) =>
        resolve({ code, reason: reason.toString(), received, seconds: (performance.now() - opened) / 1000 }),
      );
    }),
    `${what} to be closed`,
  ).finally(() => socket.terminate());
}

async function expectClose(what, expected, closing) {
  const { code, reason, received } = await closing;
  check(
    code === expected,
    `${what}: closed with ${code}${reason ? ` "${reason}"` : ''}, expected ${expected}; ` +
      `the server sent ${received.map(show).join(', ') || 'nothing'}`,
  );
  return closing;
}

// ---------------------------------------------------------------- the run

const CASE_EVENT_FIELDS = 'kind caseId fileNumber at action status previousStatus measure sector measureStatus deadline dueOn previousDue';
const latencies = [];

async function main() {
  console.log(
    `subscriptions: subscribing on ${WS_URL}, mutating through ${HTTP_URL}` +
      (twoInstances ? ' (two instances)' : ''),
  );

  // 4408 takes the server's 10 s: started first, it runs alongside the rest.
  const noInit = expectClose('a socket that never sends connection_init', 4408, rawSocket('a silent socket'));
  noInit.catch(() => {}); // awaited at the end

  const officer = await login(OFFICER);
  const coordinator = await login(COORDINATOR);

  // The officer hears every case event.
  const officerClient = await connect(officer.token, 'officer');
  const caseEvents = new Watch(officerClient, "officer's caseEvents", `subscription { caseEvents { ${CASE_EVENT_FIELDS} } }`);
  // The coordinator may not.
  const coordinatorClient = await connect(coordinator.token, 'coordinator');
  const forbidden = new Watch(coordinatorClient, "coordinator's caseEvents", 'subscription { caseEvents { kind fileNumber } }');
  // Queries go over HTTP.
  const overSocket = new Watch(officerClient, 'a query over the socket', '{ me { id } }');
  await sleep(SETTLE_MS);

  // 1. A request filed over HTTP reaches the officer.
  let sent = performance.now();
  const mine = await fileRequest('Defensora que sigue su solicitud');
  const received1 = await caseEvents.waitFor(
    `REQUEST_RECEIVED for ${mine.fileNumber}`,
    (m) => m.type === 'next' && m.payload.data?.caseEvents?.fileNumber === mine.fileNumber,
  );
  latencies.push(received1.at - sent);
  const first = received1.payload.data.caseEvents;
  check(
    first.kind === 'REQUEST_RECEIVED' && first.status === 'RECEIVED' && first.previousStatus === null,
    `the first event for ${mine.fileNumber} is ${show(first)}, expected REQUEST_RECEIVED with status RECEIVED and no previous status`,
  );
  const found = await gql(
    'query($f: String!) { cases(filter: { fileNumber: $f }) { edges { node { id fileNumber } } } }',
    { f: mine.fileNumber },
    officer.token,
  );
  const mineId = found.cases.edges[0]?.node.id;
  check(mineId === first.caseId, `the event's caseId ${first.caseId} is not the case's id ${mineId}`);

  // 2. Its requester follows it, anonymously, with the file number and access key.
  const requesterClient = await connect(undefined, 'requester');
  const statusChanges = new Watch(
    requesterClient,
    "requester's requestStatusChanges",
    'subscription($f: String!, $k: String!) { requestStatusChanges(fileNumber: $f, accessKey: $k) { fileNumber status statusLabel previousStatus at } }',
    { f: mine.fileNumber, k: mine.accessKey },
  );
  await sleep(SETTLE_MS);

  // 3. Meanwhile someone else files a request, and the officer reviews it:
  // the officer hears both, the first requester nothing.
  const other = await fileRequest('Otra defensora');
  const otherReceived = await caseEvents.waitFor(
    `REQUEST_RECEIVED for ${other.fileNumber}`,
    (m) => m.payload?.data?.caseEvents?.fileNumber === other.fileNumber && m.payload.data.caseEvents.kind === 'REQUEST_RECEIVED',
  );
  const otherId = otherReceived.payload.data.caseEvents.caseId;
  sent = performance.now();
  await gql('mutation($c: ID!) { startReview(caseId: $c) { status } }', { c: otherId }, officer.token);
  const otherReview = await caseEvents.waitFor(
    `CASE_CHANGED (startReview) for ${other.fileNumber}`,
    (m) => m.payload?.data?.caseEvents?.fileNumber === other.fileNumber && m.payload.data.caseEvents.kind === 'CASE_CHANGED',
  );
  latencies.push(otherReview.at - sent);

  // 4. The officer takes the first request (its status stays RECEIVED: the
  // requester hears nothing) and starts reviewing it (RECEIVED → UNDER_REVIEW).
  sent = performance.now();
  const assigned = await gql(
    'mutation($c: ID!, $o: ID!) { assignCase(caseId: $c, officerId: $o) { status } }',
    { c: mineId, o: officer.id },
    officer.token,
  );
  check(assigned.assignCase.status === 'RECEIVED', `assignCase answered ${show(assigned)}`);
  const assignedEvent = await caseEvents.waitFor(
    `CASE_CHANGED (assignCase) for ${mine.fileNumber}`,
    (m) => m.payload?.data?.caseEvents?.fileNumber === mine.fileNumber && m.payload.data.caseEvents.kind === 'CASE_CHANGED',
  );
  latencies.push(assignedEvent.at - sent);
  check(
    assignedEvent.payload.data.caseEvents.status === 'RECEIVED' && assignedEvent.payload.data.caseEvents.previousStatus === 'RECEIVED',
    `assignCase's event is ${show(assignedEvent.payload.data.caseEvents)}, expected status RECEIVED (previous RECEIVED)`,
  );
  sent = performance.now();
  const reviewed = await gql('mutation($c: ID!) { startReview(caseId: $c) { status } }', { c: mineId }, officer.token);
  check(reviewed.startReview.status === 'UNDER_REVIEW', `startReview answered ${show(reviewed)}`);
  const review = await caseEvents.waitFor(
    `CASE_CHANGED to UNDER_REVIEW for ${mine.fileNumber}`,
    (m) => m.payload?.data?.caseEvents?.fileNumber === mine.fileNumber && m.payload.data.caseEvents.status === 'UNDER_REVIEW',
  );
  latencies.push(review.at - sent);
  const reviewEvent = review.payload.data.caseEvents;
  check(
    reviewEvent.kind === 'CASE_CHANGED' && reviewEvent.previousStatus === 'RECEIVED' && reviewEvent.caseId === mineId,
    `startReview's event is ${show(reviewEvent)}, expected CASE_CHANGED from RECEIVED on case ${mineId}`,
  );
  const change = await statusChanges.waitFor(
    `RECEIVED → UNDER_REVIEW of ${mine.fileNumber}`,
    (m) => m.type === 'next' && m.payload.data?.requestStatusChanges?.status === 'UNDER_REVIEW',
  );
  latencies.push(change.at - sent);

  // Anything late or out of place has a moment to show up.
  await sleep(QUIET_MS);

  // The officer: our two requests' events, in order.
  const ours = caseEvents.events('caseEvents').filter((e) => [mine.fileNumber, other.fileNumber].includes(e?.fileNumber));
  const sequence = (fileNumber) =>
    ours.filter((e) => e.fileNumber === fileNumber).map((e) => `${e.kind}:${e.previousStatus ?? '-'}>${e.status}`);
  const expected = {
    [mine.fileNumber]: ['REQUEST_RECEIVED:->RECEIVED', 'CASE_CHANGED:RECEIVED>RECEIVED', 'CASE_CHANGED:RECEIVED>UNDER_REVIEW'],
    [other.fileNumber]: ['REQUEST_RECEIVED:->RECEIVED', 'CASE_CHANGED:RECEIVED>UNDER_REVIEW'],
  };
  for (const [fileNumber, steps] of Object.entries(expected)) {
    check(
      show(sequence(fileNumber)) === show(steps),
      `officer's caseEvents for ${fileNumber}: ${show(sequence(fileNumber))}, expected ${show(steps)}`,
    );
  }
  check(!caseEvents.ended(), `officer's caseEvents ended: ${describeMessage(caseEvents.ended() ?? {})}`);
  const othersHeard = caseEvents.events('caseEvents').length - ours.length;

  // The requester: exactly their own request's one status change.
  const changes = statusChanges.received;
  check(
    changes.length === 1,
    `requester's requestStatusChanges received ${changes.length} messages, expected 1: ${changes.map(describeMessage).join(', ')}`,
  );
  const heard = changes[0].payload.data.requestStatusChanges;
  check(
    heard.fileNumber === mine.fileNumber && heard.previousStatus === 'RECEIVED' && heard.status === 'UNDER_REVIEW' && heard.statusLabel,
    `requester heard ${show(heard)}, expected ${mine.fileNumber} RECEIVED → UNDER_REVIEW with a label`,
  );
  check(!show(changes).includes(other.fileNumber), `the requester heard about ${other.fileNumber}`);

  // The coordinator: FORBIDDEN (as a field error in `next`, or as an `error` message).
  const refusal = await forbidden.waitFor('an answer', () => true);
  const refusalErrors = refusal.type === 'error' ? refusal.payload : refusal.payload?.errors;
  check(
    codesOf(refusalErrors).includes('FORBIDDEN') && !refusal.payload?.data?.caseEvents,
    `coordinator's caseEvents got ${describeMessage(refusal)}, expected FORBIDDEN`,
  );
  const refusalAs = refusal.type === 'error' ? 'an error message' : 'a next message with errors';
  const coordinatorHeard = forbidden.events('caseEvents').filter(Boolean).length;
  check(coordinatorHeard === 0, `the coordinator heard ${coordinatorHeard} case events`);

  // A query over the socket.
  const useHttp = await overSocket.waitFor('an answer', () => true);
  check(
    useHttp.type === 'error' && codesOf(useHttp.payload).includes('USE_HTTP'),
    `a query over the socket got ${describeMessage(useHttp)}, expected an error message with USE_HTTP`,
  );

  // ------------------------------------------------- the protocol's close codes
  // Through the graphql-ws client: a token that is no session.
  const bogus = await new Promise((resolve) => {
    let timer;
    const done = (outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    timer = setTimeout(() => done({ timedOut: true }), WAIT_MS);
    const client = createClient({
      url: WS_URL,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer bogus-${randomUUID()}` },
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => {},
      on: {
        connected: () => done({ connected: true }),
        closed: (event) => done({ event }),
      },
    });
    clients.push(client);
  });
  check(!bogus.timedOut, 'a bogus token: the connection was neither acknowledged nor closed');
  check(!bogus.connected, 'a bogus token was acknowledged (connection_ack)');
  check(bogus.event.code === 4403, `a bogus token: ${describeClose(bogus.event)}, expected close 4403`);

  const init = { type: 'connection_init' };
  const officerInit = { type: 'connection_init', payload: { authorization: `Bearer ${officer.token}` } };
  const subscribe = (id) => ({ id, type: 'subscribe', payload: { query: 'subscription { caseEvents { kind } }' } });
  const [beforeInit, duplicate, secondInit, noProtocol] = await Promise.all([
    expectClose('subscribe before connection_init', 4401, rawSocket('subscribe before init', { send: [subscribe('1')] })),
    expectClose(
      'a subscription id in use',
      4409,
      rawSocket('a duplicate id', {
        send: [officerInit],
        onMessage: (message, socket) => {
          if (message.type !== 'connection_ack') return;
          socket.send(JSON.stringify(subscribe('same')));
          socket.send(JSON.stringify(subscribe('same')));
        },
      }),
    ),
    expectClose(
      'a second connection_init',
      4429,
      rawSocket('a second init', {
        send: [init],
        onMessage: (message, socket) => {
          if (message.type === 'connection_ack') socket.send(JSON.stringify(init));
        },
      }),
    ),
    expectClose('a socket without the subprotocol', 4406, rawSocket('no subprotocol', { protocol: null, send: [init] })),
  ]);
  check(
    beforeInit.received.length === 0,
    `subscribe before connection_init: the server sent ${beforeInit.received.map(show).join(', ')} before closing`,
  );
  check(
    duplicate.received.filter((m) => m.type !== 'connection_ack' && m.type !== 'ping').length === 0,
    `a duplicate id: the server sent ${duplicate.received.map(show).join(', ')} before closing`,
  );
  check(noProtocol.received.length === 0, `no subprotocol: the server sent ${noProtocol.received.map(show).join(', ')}`);
  const silent = await noInit;
  check(silent.seconds >= 5, `a silent socket was closed with 4408 after only ${silent.seconds.toFixed(1)} s`);

  caseEvents.dispose();
  statusChanges.dispose();

  const ms = (values) => values.map((v) => Math.round(v));
  console.log(
    `  officer caseEvents: ${ours.length} events for the two requests filed ` +
      `(${ours.filter((e) => e.kind === 'REQUEST_RECEIVED').length} REQUEST_RECEIVED, ${ours.filter((e) => e.kind === 'CASE_CHANGED').length} CASE_CHANGED), ` +
      `${othersHeard} about other cases`,
  );
  console.log(
    `  requester requestStatusChanges: ${changes.length} (${heard.previousStatus} → ${heard.status}, "${heard.statusLabel}"), 0 about the other request`,
  );
  console.log(`  coordinator caseEvents: FORBIDDEN (${refusalAs}); a query over the socket: USE_HTTP`);
  console.log(
    `  close codes: bogus token ${bogus.event.code}, subscribe before init ${beforeInit.code}, ` +
      `duplicate id ${duplicate.code}, second init ${secondInit.code}, no subprotocol ${noProtocol.code}, ` +
      `no init ${silent.code} after ${silent.seconds.toFixed(1)} s`,
  );
  console.log(`  mutation sent → event received: ${ms(latencies).join(', ')} ms; ${filed} requests filed`);
  console.log(`subscriptions: PASSED in ${elapsed()}${twoInstances ? ' (events crossed instances)' : ''}`);
}

try {
  await main();
  // Closed politely (1000), but never waited for long.
  await Promise.race([Promise.allSettled(clients.map((client) => client.dispose())), sleep(2_000)]);
  process.exit(0);
} catch (error) {
  console.error(`subscriptions: FAILED after ${elapsed()}: ${error instanceof Failure ? error.message : error?.stack ?? describeClose(error)}`);
  process.exit(1);
}
