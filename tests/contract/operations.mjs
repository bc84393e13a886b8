// Every GraphQL operation of the README, for graphql-codegen (.ci/contract).
// Usage: node operations.mjs README.md schema.graphql OUT_DIR
//
// Where the README keeps operations, and how they are read:
//   ```graphql blocks   the whole block is one document;
//   ```sh / ```bash     the first argument of every `gql '…'` call (a plain
//                       single-quoted shell string) and every
//                       `--data-urlencode 'query=…'` of a GET example, and
//                       the `query` of every `-F operations='{…}'` (a file
//                       sent as the GraphQL multipart request spec says);
//   ```js blocks        every `query: '…'` (a single-quoted string, no escapes).
// Any other place that looks like an operation in those blocks (a `gql` call
// with another kind of argument, a JSON "query" key, a `query:` that is not a
// plain single-quoted string), a block of a language this script does not
// know, a document that does not parse, an anonymous or duplicate operation
// name, or an operation that does not fit schema.graphql stops it with the
// README line: nothing is skipped silently.
//
// Writes OUT_DIR/operations/NN-Name.graphql (one file per document),
// OUT_DIR/check.ts (names the result and variables types codegen must
// generate for every operation, for `tsc --strict`) and prints the count.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate, Kind } from 'graphql';

const [readmePath, schemaPath, outDir] = process.argv.slice(2);
if (!readmePath || !schemaPath || !outDir) {
  console.error('usage: node operations.mjs README.md schema.graphql OUT_DIR');
  process.exit(2);
}

const failures = [];
const fail = (line, message) => failures.push(`${readmePath}:${line}: ${message}`);

// Languages whose blocks never hold an operation (answers, commands, text).
const WITHOUT_OPERATIONS = new Set(['', 'json', 'text', 'toml', 'yaml', 'ini']);
const SHELL = new Set(['sh', 'bash']);

// The fenced blocks: language, first line number of the content, text.
function fencedBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  let open = null;
  lines.forEach((line, index) => {
    const number = index + 1;
    if (open === null) {
      const fence = /^```\s*([\w+-]*)\s*$/.exec(line);
      if (fence) open = { language: fence[1].toLowerCase(), fence: number, start: number + 1, lines: [] };
      else if (line.startsWith('```')) fail(number, `a code fence this script does not understand: ${line}`);
    } else if (/^```\s*$/.test(line)) {
      blocks.push({ ...open, text: open.lines.join('\n') });
      open = null;
    } else {
      open.lines.push(line);
    }
  });
  if (open !== null) fail(open.fence, 'a code block that is never closed');
  return blocks;
}

// The line number, in the README, of an offset into a block's text.
const lineAt = (block, offset) => block.start + block.text.slice(0, offset).split('\n').length - 1;

// A single-quoted string starting at `offset` (the quote itself): its
// content and where it ends, or null when it is not closed.
function singleQuoted(text, offset) {
  const end = text.indexOf("'", offset + 1);
  return end < 0 ? null : { content: text.slice(offset + 1, end), end };
}

const documents = []; // { line, source, text }

function fromShell(block) {
  const text = block.text;
  const consumed = []; // [start, end] of the calls taken as operations (end: the closing quote)
  for (const call of text.matchAll(/\bgql\b/g)) {
    const after = text.slice(call.index + 3);
    if (/^\s*\(\)/.test(after)) continue; // the helper's definition
    const line = lineAt(block, call.index);
    const quote = /^ '/.exec(after);
    const string = quote && singleQuoted(text, call.index + 4);
    if (!string) {
      fail(line, `a gql call whose first argument is not a single-quoted operation: ${after.split('\n')[0].slice(0, 60)}`);
      continue;
    }
    if (/["\\]/.test(string.content)) {
      fail(line, 'a gql operation with a double quote or a backslash: the helper pastes it into a JSON string as it is');
    }
    documents.push({ line, source: `sh gql '…'`, text: string.content });
    consumed.push([call.index, string.end]);
  }
  for (const get of text.matchAll(/--data-urlencode '(query=)?/g)) {
    const line = lineAt(block, get.index);
    if (!get[1]) {
      fail(line, `a --data-urlencode that is not 'query=…'`);
      continue;
    }
    const string = singleQuoted(text, get.index + '--data-urlencode '.length);
    if (!string) {
      fail(line, 'a GET example whose query string is not closed');
      continue;
    }
    documents.push({ line, source: `sh GET query=`, text: string.content.slice('query='.length) });
    consumed.push([get.index, string.end]);
  }
  // A file upload (the GraphQL multipart request spec): the JSON of its
  // `operations` part, whose `query` is the operation.
  for (const part of text.matchAll(/-F operations='/g)) {
    const line = lineAt(block, part.index);
    const string = singleQuoted(text, part.index + '-F operations='.length);
    let query = null;
    try {
      query = string && JSON.parse(string.content).query;
    } catch {
      query = null;
    }
    if (typeof query !== 'string') {
      fail(line, "a -F operations='…' part that is not JSON with a query");
      continue;
    }
    documents.push({ line, source: `sh -F operations=`, text: query });
    consumed.push([part.index, string.end]);
  }
  // Anything else that carries an operation would be missed: refuse it.
  let rest = text;
  for (const [start, end] of consumed) {
    rest = rest.slice(0, start) + rest.slice(start, end + 1).replace(/[^\n]/g, ' ') + rest.slice(end + 1);
  }
  rest.split('\n').forEach((line, index) => {
    if (/^\s*gql\s*\(\)/.test(line)) return; // the helper: {"query": "$1"}
    if (/\\?"query\\?"\s*:/.test(line) || /\bquery=/.test(line)) {
      fail(block.start + index, `an operation this script does not know how to read: ${text.split('\n')[index].trim().slice(0, 80)}`);
    }
  });
}

function fromJs(block) {
  const text = block.text;
  for (const key of text.matchAll(/\bquery\s*:/g)) {
    const line = lineAt(block, key.index);
    const rest = text.slice(key.index + key[0].length);
    const quote = /^\s*'/.exec(rest);
    const string = quote && singleQuoted(text, key.index + key[0].length + quote[0].length - 1);
    if (!string || string.content.includes('\\') || string.content.includes('\n')) {
      fail(line, `a query: that is not a plain single-quoted string on one line: ${rest.split('\n')[0].trim().slice(0, 60)}`);
      continue;
    }
    documents.push({ line, source: `js query: '…'`, text: string.content });
  }
}

const readme = readFileSync(readmePath, 'utf8');
for (const block of fencedBlocks(readme)) {
  if (block.language === 'graphql') {
    documents.push({ line: block.start, source: '```graphql', text: block.text });
  } else if (SHELL.has(block.language)) {
    fromShell(block);
  } else if (block.language === 'js') {
    fromJs(block);
  } else if (!WITHOUT_OPERATIONS.has(block.language)) {
    fail(block.fence, `a \`\`\`${block.language} block: this script does not know whether it holds operations`);
  }
}

const schema = buildSchema(readFileSync(schemaPath, 'utf8'));
const operations = []; // { name, kind, line, source }
const seen = new Map();
mkdirSync(join(outDir, 'operations'), { recursive: true });
documents.forEach((document, index) => {
  let ast;
  try {
    ast = parse(document.text);
  } catch (error) {
    const at = error.locations?.[0];
    fail(at ? document.line + at.line - 1 : document.line, `does not parse (${document.source}): ${error.message}`);
    return;
  }
  const here = (node) => document.line + node.loc.startToken.line - 1;
  const definitions = ast.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (definitions.length === 0) fail(document.line, `a document with no operation (${document.source})`);
  for (const definition of definitions) {
    const line = here(definition);
    const name = definition.name?.value;
    if (!name) {
      fail(line, `an anonymous ${definition.operation} (${document.source}): give it a PascalCase name`);
      continue;
    }
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) fail(line, `operation name ${name} is not PascalCase`);
    if (seen.has(name)) fail(line, `operation name ${name} is already used at ${readmePath}:${seen.get(name)}`);
    seen.set(name, line);
    operations.push({ name, kind: definition.operation, line, source: document.source });
  }
  for (const error of validate(schema, ast)) {
    const at = error.locations?.[0];
    fail(at ? document.line + at.line - 1 : document.line, `does not fit ${schemaPath}: ${error.message}`);
  }
  const first = definitions[0]?.name?.value ?? 'Anonymous';
  const file = `${String(index + 1).padStart(2, '0')}-${first}.graphql`;
  writeFileSync(join(outDir, 'operations', file), `# ${readmePath}:${document.line} (${document.source})\n${document.text}\n`);
});

if (failures.length > 0) {
  for (const failure of failures) console.error(failure);
  console.error(`${failures.length} problem(s) reading the README's operations`);
  process.exit(1);
}

// One result and one variables type per operation, as codegen names them
// (namingConvention: keep): tsc fails if codegen left one out.
const suffix = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };
const checks = operations.map(({ name, kind }) => `  [${name}${suffix[kind]}, ${name}${suffix[kind]}Variables],`);
const imports = operations.flatMap(({ name, kind }) => [`${name}${suffix[kind]}`, `${name}${suffix[kind]}Variables`]);
writeFileSync(
  join(outDir, 'check.ts'),
  `// Generated by tests/contract/operations.mjs: every README operation has its types.\n` +
    `import type {\n${imports.map((i) => `  ${i},`).join('\n')}\n} from './operations';\n\n` +
    `export type ReadmeOperations = [\n${checks.join('\n')}\n];\n`,
);

const bySource = {};
for (const { source } of operations) bySource[source] = (bySource[source] ?? 0) + 1;
console.log(
  `${operations.length} operations in ${readmePath} (${Object.entries(bySource).map(([s, n]) => `${n} from ${s}`).join(', ')}):`,
);
for (const { name, kind, line } of operations) console.log(`  ${readmePath}:${line}  ${kind} ${name}`);
