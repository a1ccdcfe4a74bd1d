// Grades one page of a local server with the MDN HTTP Observatory's own scoring
// (npm @mdn/mdn-http-observatory, from this repository's package.json). The package's
// command (`mdn-http-observatory-scan HOST`) scans port 80/443 of a host name; this asks
// its retriever for a given port and path, then scores with its tests and grader.
//
//   node tests/security/observatory.mjs PORT PATH [--behind-tls-proxy]
//
// --behind-tls-proxy: the server speaks plain HTTP behind nginx, which terminates TLS
// (docs/deployment.md), so the tests only HTTPS can pass (redirection to HTTPS, HSTS, the
// cookies' Secure flag) are reported but left out of the grade.
// Prints one JSON object: {grade, score, status, tests: {name: {result, pass, counted}}}.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.join(here, "..", "..", "node_modules", "@mdn", "mdn-http-observatory");
if (!fs.existsSync(path.join(pkg, "package.json"))) {
  console.error("the Observatory is missing: run `npm ci --ignore-scripts` in the repository");
  process.exit(2);
}
const load = (file) => import(pathToFileURL(path.join(pkg, "src", file)).href);

// The package's postinstall script downloads the HSTS preload list; `npm ci
// --ignore-scripts` skips it, and no local host is on that list anyway.
const preload = path.join(pkg, "conf", "hsts-preload.json");
if (!fs.existsSync(preload)) fs.writeFileSync(preload, "{}\n");

const [port, page, ...flags] = process.argv.slice(2);
if (!port || !page) {
  console.error("usage: observatory.mjs PORT PATH [--behind-tls-proxy]");
  process.exit(2);
}
const behindProxy = flags.includes("--behind-tls-proxy");

const { retrieve } = await load("retriever/retriever.js");
const { ALL_TESTS } = await load("constants.js");
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await load("grader/charts.js");
const { getGradeForScore, getScoreModifier } = await load("grader/grader.js");

// Nothing listens for HTTPS on port 1, so the scan judges the plain HTTP answer.
const retrieved = await retrieve("127.0.0.1", { httpPort: port, httpsPort: "1", path: page });
if (!retrieved.responses.auto) {
  console.error(`nothing answered on 127.0.0.1:${port}${page}`);
  process.exit(2);
}

const tlsOnly = (name, result) =>
  name === "redirection" ||
  name === "strict-transport-security" ||
  (name === "cookies" && /without-secure-flag/.test(result));

// The package's scoring (src/scanner/index.js): every modifier adds to the score with extra
// credit, penalties alone decide whether extra credit counts at all.
let withCredit = 100;
let penalties = 100;
const tests = {};
for (const test of ALL_TESTS) {
  const output = test(retrieved);
  const name = output.constructor.name;
  const counted = !(behindProxy && tlsOnly(name, output.result));
  const modifier = output.result ? getScoreModifier(output.result) : 0;
  if (counted) {
    withCredit += modifier;
    if (modifier < 0) penalties += modifier;
  }
  tests[name] = { result: output.result, pass: output.pass, modifier, counted };
}
const score = penalties >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withCredit : penalties;
const { grade } = getGradeForScore(score);
console.log(JSON.stringify({ grade, score, status: retrieved.responses.auto.status, tests }));
