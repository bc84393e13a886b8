// The GraphQL-over-HTTP audit of the npm package graphql-http, against a
// running Resguardo: `node audit.mjs http://127.0.0.1:8080/graphql`.
// Prints every audit that did not pass and the counts per level; exits 1
// unless every MUST audit passes and at least 20 of the SHOULD audits do
// (the ecosystem issue's bar).
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url, fetchFn: fetch });
const levels = { MUST: { ok: 0, all: 0 }, SHOULD: { ok: 0, all: 0 }, MAY: { ok: 0, all: 0 } };
for (const result of results) {
  const level = result.name.split(' ')[0];
  const counts = levels[level];
  counts.all += 1;
  if (result.status === 'ok') {
    counts.ok += 1;
  } else {
    const reason = result.reason ?? '';
    console.log(`${result.status.padEnd(6)} ${result.id} ${result.name}${reason ? `: ${reason}` : ''}`);
  }
}
for (const [level, { ok, all }] of Object.entries(levels)) {
  console.log(`graphql-http audit: ${level} ${ok}/${all} passed`);
}
const passed = levels.MUST.ok === levels.MUST.all && levels.SHOULD.ok >= 20;
console.log(passed ? 'graphql-http audit: PASSED' : 'graphql-http audit: FAILED');
process.exit(passed ? 0 : 1);
