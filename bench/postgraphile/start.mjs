// Serves PostGraphile 5 (graphile.config.mjs) on 127.0.0.1:PORT against a
// PostgreSQL database, and prints one line when it listens:
//
//   node start.mjs PORT postgres://user@host:5432/db
//   PostGraphile listening on http://127.0.0.1:PORT/graphql
//
// PORT 0 picks a free port. PostGraphile 5 wants node 22
// (`Promise.withResolvers`); on older nodes a polyfill is installed first,
// which is why everything else is imported dynamically below.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((yes, no) => {
      resolve = yes;
      reject = no;
    });
    return { promise, resolve, reject };
  };
}

const [port = process.env.PORT, url = process.env.DATABASE_URL] = process.argv.slice(2);
if (port === undefined || !url) {
  console.error("usage: node start.mjs PORT postgres://user@host:5432/db");
  process.exit(2);
}
process.env.DATABASE_URL = url;
// Production mode, as a deployment would run it (no development checks).
process.env.NODE_ENV ??= "production";

const { createServer } = await import("node:http");
const { postgraphile } = await import("postgraphile");
const { grafserv } = await import("postgraphile/grafserv/node");
const { default: preset } = await import("./graphile.config.mjs");

const pgl = postgraphile(preset);
// Introspect the database and build the schema before listening, so the
// first request measured is not the one that waits for it.
await pgl.getSchema();
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (error) => {
  console.error(error);
  process.exit(1);
});
await serv.addTo(server);
server.listen(Number(port), "127.0.0.1", () => {
  console.log(`PostGraphile listening on http://127.0.0.1:${server.address().port}/graphql`);
});

const stop = async () => {
  server.close();
  await pgl.release();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
