// PostGraphile 5 as the comparison for `bench versus` (BENCHMARKS.md,
// "Side by side with PostGraphile"): the Amber preset and the
// connection-filter plugin over bench's generated database, schema
// `public`, as they come. start.mjs sets DATABASE_URL before loading this.
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      // Resguardo's pool holds 10 connections too (RESGUARDO_DATABASE_MAX_CONNECTIONS).
      poolConfig: { max: 10 },
    }),
  ],
  grafserv: {
    // GraphiQL (Ruru) and watch mode off: only /graphql is measured.
    graphiql: false,
    watch: false,
  },
  grafast: {
    // No EXPLAIN output in the answers.
    explain: false,
  },
};

export default preset;
