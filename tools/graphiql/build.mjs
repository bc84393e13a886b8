// Builds the GraphiQL that `resguardo serve` embeds, into
// crates/web/assets/graphiql/: graphiql.js (React, GraphiQL, graphql-ws, one
// minified IIFE), graphiql.css (GraphiQL's stylesheet, minified), init.js
// (the page's own script, copied as written), THIRD-PARTY-LICENSES.txt (the
// licence of every npm package in the bundle) and README.md (versions,
// licences, sizes, sha256). Same package-lock.json, same bytes.
// Usage: cd tools/graphiql && npm ci && npm run build
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const out = join(root, "crates/web/assets/graphiql");
mkdirSync(out, { recursive: true });

const common = {
  absWorkingDir: here,
  bundle: true,
  minify: true,
  write: false,
  metafile: true,
  charset: "utf8",
  // Licences go to THIRD-PARTY-LICENSES.txt, once each.
  legalComments: "none",
  logLevel: "warning",
  target: ["chrome111", "firefox111", "safari16.4"],
};

const js = await esbuild.build({
  ...common,
  entryPoints: ["src/bundle.js"],
  outfile: "graphiql.js",
  format: "iife",
  define: { "process.env.NODE_ENV": '"production"' },
});
const css = await esbuild.build({ ...common, entryPoints: ["src/bundle.css"], outfile: "graphiql.css" });

// GraphiQL's stylesheet embeds Roboto and Fira Code as base64 woff2 (about
// 370 KB of the 420). They are dropped: the page falls back to the system's
// sans-serif and monospace fonts, and the CSP needs no font-src.
const cssText = css.outputFiles[0].text.replace(/@font-face\{[^}]*\}/g, "");
if (/@font-face|url\((?!"?data:image\/)/.test(cssText)) throw new Error("graphiql.css still loads a font or a URL");

writeFileSync(join(out, "graphiql.js"), js.outputFiles[0].contents);
writeFileSync(join(out, "graphiql.css"), cssText);
copyFileSync(join(here, "src/init.js"), join(out, "init.js"));

// Every package whose code or CSS ended up in the output, with its licence.
// Packages that ship no licence file of their own but come from a
// repository whose licence another bundled package ships (same MIT text,
// same holder): react-compiler-runtime from React's, GraphiQL's plugins from
// the GraphiQL monorepo's.
const licenceFileOf = {
  "react-compiler-runtime": "react",
  "@graphiql/plugin-doc-explorer": "@graphiql/react",
  "@graphiql/plugin-history": "@graphiql/react",
};
const packages = new Map();
for (const meta of [js.metafile, css.metafile]) {
  for (const input of Object.keys(meta.inputs)) {
    const match = input.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (!match || packages.has(match[1])) continue;
    const dir = join(here, "node_modules", match[1]);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const licenceDir = join(here, "node_modules", licenceFileOf[match[1]] ?? match[1]);
    const file = readdirSync(licenceDir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    let text;
    if (file) {
      text = readFileSync(join(licenceDir, file), "utf8").trim();
    } else if (manifest.license === "MIT" && manifest.author) {
      const author = typeof manifest.author === "string" ? manifest.author : manifest.author.name;
      text = `(The package ships no licence file; its package.json says MIT, by its author.)\n\n${mit(author)}`;
    } else {
      throw new Error(`${match[1]} ships no licence file`);
    }
    packages.set(match[1], { version: manifest.version, license: manifest.license, text });
  }
}
const names = [...packages.keys()].sort();

function mit(holder) {
  return `MIT License

Copyright (c) ${holder}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;
}
const notices = names.map((name) => {
  const p = packages.get(name);
  return `${"=".repeat(72)}\n${name}@${p.version} (${p.license})\n${"=".repeat(72)}\n\n${p.text}\n`;
});
writeFileSync(
  join(out, "THIRD-PARTY-LICENSES.txt"),
  `The npm packages bundled into graphiql.js and graphiql.css, with their licences.\n\n${notices.join("\n")}`,
);

const files = ["graphiql.js", "graphiql.css", "init.js", "THIRD-PARTY-LICENSES.txt"];
const rows = files.map((file) => {
  const bytes = readFileSync(join(out, file));
  const sha = createHash("sha256").update(bytes).digest("hex");
  return `| \`${file}\` | ${bytes.length} | ${gzipSync(bytes, { level: 9 }).length} | \`${sha}\` |`;
});
const direct = JSON.parse(readFileSync(join(here, "package.json"), "utf8")).devDependencies;
const byLicense = new Map();
for (const name of names) {
  const license = packages.get(name).license;
  byLicense.set(license, [...(byLicense.get(license) ?? []), `${name}@${packages.get(name).version}`]);
}
const readme = `# GraphiQL, vendored

Built by \`tools/graphiql\` (generated file: do not edit by hand). The server
embeds these files (\`crates/api/src/graphiql.rs\`) and serves them itself at
\`/graphiql\`, so the page loads nothing from a third-party host.

Rebuild (the same \`package-lock.json\` gives the same bytes):

    cd tools/graphiql && npm ci && npm run build

## Files

| file | bytes | gzip -9 | sha256 |
| --- | ---: | ---: | --- |
${rows.join("\n")}

- \`graphiql.js\`: React, React DOM, GraphiQL and the graphql-ws client, one
  minified production IIFE that sets \`window.ResguardoGraphiQL\`.
- \`graphiql.css\`: GraphiQL's stylesheet, minified, without its embedded
  web fonts (the page uses the system's fonts).
- \`init.js\`: the page's own script (\`tools/graphiql/src/init.js\`, as
  written): the fetcher for \`/graphql\` and, for subscriptions, a graphql-ws
  client on \`ws(s)://<same host>/graphql/ws\` signed in with the
  Authorization header of the Headers tab.
- \`THIRD-PARTY-LICENSES.txt\`: the licence text of every bundled package.

## Versions

Pinned in \`tools/graphiql/package.json\` (exact) and \`package-lock.json\`:

${Object.entries(direct).map(([name, version]) => `- ${name} ${version}`).join("\n")}

## Licences of the bundled packages

${[...byLicense.keys()].sort().map((license) => `- ${license}: ${byLicense.get(license).join(", ")}`).join("\n")}
`;
writeFileSync(join(out, "README.md"), readme);
for (const row of rows) console.log(row);
console.log(`wrote ${relative(root, out)}/ (${names.length} bundled packages)`);
