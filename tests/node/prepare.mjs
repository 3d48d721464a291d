// Prepare drawings with the page's code (utils/web/prepare.js), for tests/test_explainers.py.
//
//   node prepare.mjs cases.json > prepared.json
//
// cases.json: {"recipe": utils.browser.drawing_recipe(), "drawings": [strokes, …],
// "probabilities": [[10 numbers], …]}. Prints, for each drawing, the rendered canvas (base64,
// one byte per pixel) and the 28×28 digit or the error's sentence; and describe() of each
// list of probabilities.
import { readFileSync } from "node:fs";
import { DrawingError, describe, prepareDigit, renderStrokes } from "../../utils/web/prepare.js";

const { recipe, drawings, probabilities } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const prepared = drawings.map((strokes) => {
  const canvas = Buffer.from(renderStrokes(strokes, recipe)).toString("base64");
  try {
    return { canvas, digit: Array.from(prepareDigit(strokes, recipe)) };
  } catch (error) {
    if (!(error instanceof DrawingError)) throw error;
    return { canvas, error: error.message };
  }
});
process.stdout.write(JSON.stringify({ prepared, sentences: probabilities.map(describe) }));
