// Run the page's forward pass (utils/web/convnet.js) on MNIST digits, for tests/test_explainers.py.
//
//   node predict.mjs network.json digits.u8 > probabilities.json
//
// network.json is what utils.browser.export_model returns; digits.u8 holds 28×28 grey levels
// (0–255), one digit after another. Prints {"probabilities": [[10 numbers] per digit], "ms": …}.
import { readFileSync } from "node:fs";
import { loadModel, predict } from "../../utils/web/convnet.js";

const [networkPath, digitsPath] = process.argv.slice(2);
const model = loadModel(JSON.parse(readFileSync(networkPath, "utf8")));
const bytes = readFileSync(digitsPath), side = 28 * 28, probabilities = [];
const start = performance.now();
for (let at = 0; at < bytes.length; at += side) {
  const image = Float32Array.from(bytes.subarray(at, at + side), (v) => v / 255);
  probabilities.push(Array.from(predict(model, image)));
}
const ms = (performance.now() - start) / probabilities.length;
process.stdout.write(JSON.stringify({ probabilities, ms }));
