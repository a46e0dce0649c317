// Validates glTF binaries with the Khronos glTF validator (npm package gltf-validator).
// Usage: node web/validate-glb.js PATH...   (a PATH that is a folder: every .glb under it)
// Prints one line per file ("FILE: E errors, W warnings, I infos" and each error), then a JSON
// summary line {"files":N,"errors":E,"warnings":W,"infos":I}. Exit 0 when no file has an error,
// 1 when some file has, 2 for a usage error or a file that cannot be read.
"use strict";
const fs = require("fs");
const path = require("path");
const validator = require("gltf-validator");

function glbFiles(p) {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return [p];
  return fs.readdirSync(p).sort().flatMap((name) => {
    const child = path.join(p, name);
    return fs.statSync(child).isDirectory() ? glbFiles(child) : name.endsWith(".glb") ? [child] : [];
  });
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length === 0) {
    console.error("usage: node web/validate-glb.js PATH...");
    return 2;
  }
  const total = { files: 0, errors: 0, warnings: 0, infos: 0 };
  for (const file of args.flatMap(glbFiles)) {
    const report = await validator.validateBytes(new Uint8Array(fs.readFileSync(file)), {
      uri: path.basename(file),
      maxIssues: 100,
      externalResourceFunction: (uri) => Promise.reject(new Error("external resource " + uri + " not allowed")),
    });
    const i = report.issues;
    total.files += 1;
    total.errors += i.numErrors;
    total.warnings += i.numWarnings;
    total.infos += i.numInfos;
    console.log(`${file}: ${i.numErrors} errors, ${i.numWarnings} warnings, ${i.numInfos} infos`);
    for (const m of i.messages)
      if (m.severity <= 1) console.log(`  ${m.severity === 0 ? "error" : "warning"} ${m.code} ${m.pointer || ""}: ${m.message}`);
  }
  console.log(JSON.stringify(total));
  return total.errors > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error("validate-glb: " + (e && e.message ? e.message : e));
  process.exit(2);
});
