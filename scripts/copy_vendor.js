// Copies the dist files package.json's "vendor" map names from node_modules/ (filled by
// `npm ci`) to maps/static/maps/vendor/, and nothing else: the app serves exactly these,
// collectstatic picks them up, and no page needs a CDN. The directory is rebuilt each
// time so a file dropped from the map does not linger.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const target = path.join(root, "maps", "static", "maps", "vendor");
const vendor = require(path.join(root, "package.json")).vendor;

fs.rmSync(target, { recursive: true, force: true });
for (const [source, destination] of Object.entries(vendor)) {
  const from = path.join(root, "node_modules", source);
  const to = path.join(target, destination);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}
const versions = Object.keys(require(path.join(root, "package.json")).dependencies)
  .map((name) => `${name} ${require(path.join(root, "node_modules", name, "package.json")).version}`);
fs.writeFileSync(path.join(target, "VERSIONS.txt"), versions.join("\n") + "\n");
console.log(`copied ${Object.keys(vendor).length} files to ${path.relative(root, target)}/`);
