// A drawing on the pad becomes the 28×28 digit the network reads, in the page, exactly as
// utils/drawing.py (the teaching reference) does it in Python:
//
//   renderStrokes  render_strokes: the strokes drawn white on black as Pillow draws them, with no
//                  anti-aliasing: each segment a wide line, each point a disc (the pen's tip);
//   toInk          to_ink: ink from 0 to 1 on a background of 0 (the picture's median);
//   toMnist        to_mnist: crop to the ink, scale to fit 20×20 with Pillow's Lanczos filter,
//                  place in 28×28 with the centre of mass in the middle, round to 0–255;
//   describe       describe: the network's answer in one sentence.
//
// The numbers of the recipe (canvas size, pen width, 20×20 box, thresholds) come from Python
// (utils/browser.py, drawing_recipe), so they are defined once, in utils/drawing.py and
// utils/_pictures.py. The pen's tip comes from there too: the disc Pillow draws for one point.
// Where Python rounds, this rounds the same way (half to even; float32 where NumPy computes in
// float32), so both give the same digit (tests/test_explainers.py measures how close).
// No DOM here: Node runs this file as it is.

/** What Python's DrawingError says: the drawing cannot become a digit, and what to do. */
export class DrawingError extends Error {}

const BLANK = "The picture is blank (no ink found): draw or photograph a digit, dark on light or light on dark.";

/** Python's round() and NumPy's round: halves go to the even neighbour. */
export function roundHalfEven(value) {
  const floor = Math.floor(value), rest = value - floor;
  if (rest !== 0.5) return rest < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The strokes (lists of [x, y] canvas points) drawn white (255) on black, size×size, row by row. */
export function renderStrokes(strokes, recipe) {
  const size = recipe.canvas, image = new Uint8Array(size * size);
  for (const stroke of strokes) {
    // Points are whole canvas pixels (Pillow truncates them, as here); the pen may leave the canvas.
    const points = stroke.map(([x, y]) => [Math.trunc(clamp(x, -size, 2 * size)), Math.trunc(clamp(y, -size, 2 * size))]);
    for (let i = 1; i < points.length; i++) wideLine(image, size, points[i - 1], points[i], recipe.pen);
    for (const [x, y] of points) {  // round ends and joints, and a dot for a single tap
      for (const [dy, from, to] of recipe.pen_tip) span(image, size, x + from, y + dy, x + to);
    }
  }
  return image;
}

function clamp(value, low, high) {
  return Math.min(Math.max(value, low), high);
}

/** Fill pixels x0..x1 (inclusive) of row y with ink, clipped to the image. */
function span(image, size, x0, y, x1) {
  if (y < 0 || y >= size || x1 < 0 || x0 >= size) return;
  image.fill(255, y * size + Math.max(x0, 0), y * size + Math.min(x1, size - 1) + 1);
}

// Pillow rounds with these (its C macros ROUND_UP and ROUND_DOWN): halves away from zero, and
// towards zero. Its polygons' crossings are float32 numbers: f32 rounds a result to float32.
const f32 = Math.fround;
function roundUp(v) {
  return v >= 0 ? Math.floor(v + 0.5) : -Math.floor(Math.abs(v) + 0.5);
}
function roundDown(v) {
  return v >= 0 ? Math.ceil(v - 0.5) : -Math.ceil(Math.abs(v) - 0.5);
}
function roundAway(v) {  // C's roundf
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
}

/** One segment of a wide line, as Pillow draws it: a quadrilateral of the pen's width around it. */
function wideLine(image, size, [x0, y0], [x1, y1], width) {
  const dx = x1 - x0, dy = y1 - y0;
  if (dx === 0 && dy === 0) {
    span(image, size, x0, y0, x0);
    return;
  }
  // Half the width, rounded out on one side and in on the other: 11 and 10 pixels for a 22-pixel pen.
  const length = Math.sqrt(dx * dx + dy * dy), half = (width - 1) / 2;
  const outer = Math.floor(half + 0.5) / length, inner = Math.ceil(half - 0.5) / length;
  const xIn = roundDown(inner * dy), xOut = roundDown(outer * dy);
  const yIn = roundDown(inner * dx), yOut = roundDown(outer * dx);
  fillPolygon(image, size, [[x0 - xIn, y0 + yOut], [x1 - xIn, y1 + yOut], [x1 + xOut, y1 - yIn], [x0 + xOut, y0 - yIn]]);
}

/** An edge of a polygon between two integer corners, with its slope in float32 as Pillow keeps it. */
function edge([xa, ya], [xb, yb]) {
  return {
    x0: xa, y0: ya, xmin: Math.min(xa, xb), xmax: Math.max(xa, xb),
    ymin: Math.min(ya, yb), ymax: Math.max(ya, yb), slope: ya === yb ? 0 : f32((xb - xa) / (yb - ya)),
  };
}

/** Where ``e`` crosses row ``y``, computed in float32. */
function crossing(e, y) {
  return f32(f32((y - e.y0) * e.slope) + e.x0);
}

/** Fill a polygon row by row with Pillow's scan-line rules (its polygon_generic, for one colour). */
function fillPolygon(image, size, corners) {
  const edges = corners.map((corner, i) => edge(corner, corners[(i + 1) % corners.length]));
  let top = size - 1, bottom = 0;
  const sloped = [];
  for (const e of edges) {
    top = Math.min(top, e.ymin);
    bottom = Math.max(bottom, e.ymax);
    if (e.ymin === e.ymax) span(image, size, e.xmin, e.ymin, e.xmax);  // a horizontal edge
    else sloped.push(e);
  }
  top = Math.max(top, 0);
  bottom = Math.min(bottom, size);
  for (let y = top; y <= bottom; y++) {
    const xs = [];
    sloped.forEach((e, i) => {
      if (y < e.ymin || y > e.ymax) return;
      xs.push(crossing(e, y));
      if (y === e.ymax && y < bottom) {
        xs.push(xs[xs.length - 1]);  // an edge ending on this row counts twice
      } else if ((y === e.ymin || y === e.ymax) && e.slope !== 0) {
        joinCorner(xs, sloped, i, e, y);
      }
    });
    xs.sort((a, b) => a - b);
    for (let i = 1; i < xs.length; i += 2) span(image, size, roundUp(xs[i - 1]), y, roundDown(xs[i]));
  }
}

/** Where two sloped edges meet at a corner on row ``y``, widen the row's end so the outline has no gap. */
function joinCorner(xs, sloped, i, e, y) {
  const x = xs[xs.length - 1];
  for (let k = 0; k < i; k++) {
    const other = sloped[k];
    if ((y !== other.ymin && y !== other.ymax) || other.slope === 0) continue;
    if (roundAway(x) !== roundAway(crossing(other, y))) continue;
    const next = y === e.ymax ? y - 1 : y + 1;
    if (next < other.ymin || next > other.ymax) continue;
    const mine = crossing(e, next), theirs = crossing(other, next);
    if (x > mine + 1 && x > theirs + 1) xs[xs.length - 1] = roundAway(Math.max(mine, theirs)) + 1;
    else if (x < mine - 1 && x < theirs - 1) xs[xs.length - 1] = roundAway(Math.min(mine, theirs)) - 1;
    return;
  }
}

/** Ink from 0 to 1 on a background of 0: what differs from the picture's median, stretched to 1. */
export function toInk(grey, recipe) {
  const median = medianOf(grey);
  let strongest = 0, brightest = 0;
  const ink = new Float64Array(grey.length);
  for (let i = 0; i < grey.length; i++) {
    ink[i] = Math.abs(grey[i] - median);
    strongest = Math.max(strongest, ink[i]);
    brightest = Math.max(brightest, grey[i]);
  }
  if (strongest === 0 || strongest < 0.1 * Math.max(brightest, 1)) throw new DrawingError(BLANK);
  const scaled = new Float32Array(grey.length);
  for (let i = 0; i < grey.length; i++) {
    const level = f32(ink[i] / strongest);
    scaled[i] = level < recipe.faint ? 0 : level;
  }
  return scaled;
}

/** The median of grey levels 0 to 255 (NumPy's: the mean of the two middle ones for an even count). */
function medianOf(grey) {
  const counts = new Array(256).fill(0);
  for (const level of grey) counts[level]++;
  const nth = (n) => {  // the n-th smallest level, counting from 0
    for (let level = 0, seen = 0; level < 256; level++) {
      seen += counts[level];
      if (seen > n) return level;
    }
    return 255;
  };
  const half = grey.length >> 1;
  return grey.length % 2 ? nth(half) : (nth(half - 1) + nth(half)) / 2;
}

/** MNIST's recipe: crop to the ink, scale to fit 20×20, centre by mass in 28×28; 0–255 row by row. */
export function toMnist(ink, size, recipe) {
  let top = size, bottom = -1, left = size, right = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (ink[y * size + x] > 0) {
        top = Math.min(top, y); bottom = Math.max(bottom, y);
        left = Math.min(left, x); right = Math.max(right, x);
      }
    }
  }
  if (bottom < 0) throw new DrawingError(BLANK);
  const boxH = bottom - top + 1, boxW = right - left + 1;
  const scale = recipe.box / Math.max(boxH, boxW);  // the longer side becomes 20 pixels
  const height = Math.max(1, roundHalfEven(boxH * scale)), width = Math.max(1, roundHalfEven(boxW * scale));
  const box = new Float32Array(boxH * boxW);
  for (let y = 0; y < boxH; y++) box.set(ink.subarray((top + y) * size + left, (top + y) * size + right + 1), y * boxW);
  const small = resizeLanczos(box, boxW, boxH, width, height).map((v) => clamp(v, 0, 1));
  if (small.every((v) => v === 0)) {
    throw new DrawingError("The ink is too faint or too thin to survive scaling down: draw with a thicker line.");
  }
  const [centreRow, centreCol] = centreOfMass(small, width);
  const side = recipe.side;  // MNIST's digits have their centre of mass at (14, 14)
  const rowAt = clamp(roundHalfEven(side / 2 - centreRow), 0, side - height);
  const colAt = clamp(roundHalfEven(side / 2 - centreCol), 0, side - width);
  const digit = new Uint8Array(side * side);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      digit[(rowAt + y) * side + colAt + x] = roundHalfEven(f32(255 * small[y * width + x]));
    }
  }
  return digitSized(digit, recipe);
}

/** The (row, column) of a float32 image's centre of mass, summed in NumPy's order and precision.
 *
 * NumPy adds the grey levels up in float32 and the weighted ones in float64, pairwise; a centre
 * half-way between two pixels is rounded to the even one, so the last bit of each sum decides
 * where the digit goes. */
export function centreOfMass(image, width) {
  const rows = Float64Array.from(image, (v, i) => Math.floor(i / width) * v);
  const cols = Float64Array.from(image, (v, i) => (i % width) * v);
  const total = pairwiseSum(image, f32);
  return [pairwiseSum(rows, Number) / total, pairwiseSum(cols, Number) / total];
}

/** NumPy's pairwise summation (eight running sums in blocks of up to 128 values, halves above),
 * each addition rounded by ``round`` (Math.fround for float32). */
function pairwiseSum(values, round, from = 0, n = values.length) {
  if (n < 8) {
    let sum = 0;
    for (let i = from; i < from + n; i++) sum = round(sum + values[i]);
    return sum;
  }
  if (n <= 128) {
    const sums = Array.from(values.subarray(from, from + 8));
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let k = 0; k < 8; k++) sums[k] = round(sums[k] + values[from + i + k]);
    }
    const pair = (a, b) => round(sums[a] + sums[b]);
    let sum = round(round(pair(0, 1) + pair(2, 3)) + round(pair(4, 5) + pair(6, 7)));
    for (; i < n; i++) sum = round(sum + values[from + i]);
    return sum;
  }
  const half = Math.floor(n / 2) - (Math.floor(n / 2) % 8);
  return round(pairwiseSum(values, round, from, half) + pairwiseSum(values, round, from + half, n - half));
}

/** The digit, unless it has too few ink pixels or strokes thicker than any MNIST digit's. */
function digitSized(digit, recipe) {
  if (digit.filter((v) => v >= 128).length < recipe.min_ink_pixels) {
    throw new DrawingError("There is too little ink to be a digit: draw the whole digit with connected strokes, across most of the square.");
  }
  if (strokeThickness(digit, recipe.side) > recipe.max_thickness) {
    throw new DrawingError("The drawing is too small to be a digit: draw it larger, across most of the square.");
  }
  return digit;
}

/** How many erosions by a 3×3 cross the ink (≥ 128) survives: half its thickest stroke. */
export function strokeThickness(digit, side) {
  let ink = Array.from(digit, (v) => v >= 128), survived = 0;
  const at = (y, x) => y >= 0 && y < side && x >= 0 && x < side && ink[y * side + x];
  while (ink.some(Boolean)) {
    survived++;
    ink = ink.map((on, i) => {
      const y = Math.floor(i / side), x = i % side;
      return on && at(y - 1, x) && at(y + 1, x) && at(y, x - 1) && at(y, x + 1);
    });
  }
  return survived;
}

/** Pillow's resize of a float32 image with its Lanczos filter: rows first, then columns. */
export function resizeLanczos(pixels, width, height, newWidth, newHeight) {
  let rows = pixels;
  if (newWidth !== width) {
    const { first, weights } = lanczosWeights(width, newWidth);
    rows = new Float32Array(newWidth * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < newWidth; x++) {
        let sum = 0;
        weights[x].forEach((w, k) => { sum += pixels[y * width + first[x] + k] * w; });
        rows[y * newWidth + x] = sum;
      }
    }
  }
  if (newHeight === height) return rows;
  const { first, weights } = lanczosWeights(height, newHeight);
  const out = new Float32Array(newWidth * newHeight);
  for (let y = 0; y < newHeight; y++) {
    for (let x = 0; x < newWidth; x++) {
      let sum = 0;
      weights[y].forEach((w, k) => { sum += rows[(first[y] + k) * newWidth + x] * w; });
      out[y * newWidth + x] = sum;
    }
  }
  return out;
}

function sinc(x) {
  if (x === 0) return 1;
  x *= Math.PI;
  return Math.sin(x) / x;
}

/** For each output pixel, the first input pixel it reads and the normalised weights (Lanczos, 3 lobes). */
function lanczosWeights(size, newSize) {
  const scale = size / newSize, stretch = Math.max(scale, 1), support = 3 * stretch, shrink = 1 / stretch;
  const first = [], weights = [];
  for (let i = 0; i < newSize; i++) {
    const centre = (i + 0.5) * scale;
    const from = Math.max(Math.trunc(centre - support + 0.5), 0);
    const to = Math.min(Math.trunc(centre + support + 0.5), size);
    const w = [];
    for (let x = from; x < to; x++) {
      const t = (x - centre + 0.5) * shrink;
      w.push(t >= -3 && t < 3 ? sinc(t) * sinc(t / 3) : 0);
    }
    const total = w.reduce((a, b) => a + b, 0);
    first.push(from);
    weights.push(total === 0 ? w : w.map((v) => v / total));
  }
  return { first, weights };
}

/** The strokes of the pad → the 28×28 digit (0–255, row by row) the network reads. */
export function prepareDigit(strokes, recipe) {
  return toMnist(toInk(renderStrokes(strokes, recipe), recipe), recipe.canvas, recipe);
}

/** One line naming the most likely digit and how sure the network is, in whole percent. */
export function describe(probabilities) {
  let best = 0;
  for (let d = 1; d < probabilities.length; d++) if (probabilities[d] > probabilities[best]) best = d;
  const p = probabilities[best];
  const sure = p > 0.99 ? "more than 99 %" : `${Math.min(roundHalfEven(100 * p), 99)} %`;
  return `The network reads ${best === 8 ? "an" : "a"} ${best} (${sure} sure).`;
}
