// The three explainers, in a notebook (anywidget) and on a book page: the same code.
//
//   convolution  notebook 1: a 3×3 window steps across a real digit: the nine products and
//                their sum, the feature map filling in; then 2×2 max pooling the same way.
//                The feature map's numbers are Keras's, computed in the kernel (or, in the
//                book, in the run saved with the notebook).
//   layers       notebook 6: draw, and the 28×28 input, every convolution's feature maps and
//                the ten probabilities follow; pointing at a map (or focusing it) shows its filter.
//   pad          notebook 9: draw, and the network reads your digit in the page.
//
// The network runs here (convnet.js) on the weights Python sends (utils/browser.py), and a
// drawing is prepared as utils/drawing.py prepares it (prepare.js). Python gives each
// explainer its data through ``source.get(name)``: an anywidget model in a notebook, the page's
// embedded data in the book (mountPage). What the page computes for the pad goes back to
// Python through ``source.set`` (anywidget only), so a notebook can read it.
//
// For every reader: mouse, pen and touch draw (pointer events); the keyboard draws too (arrow
// keys move the pen, Space puts it down or lifts it) and works every control; with reduced
// motion asked for, nothing moves by itself and nothing slides.
import { decodeFloats, forward, loadModel, windowProducts } from "./convnet.js";
import { DrawingError, describe, prepareDigit } from "./prepare.js";

const EMPTY = "The canvas is empty: draw a digit in the black square.";
const reducedMotion = () => typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
let counter = 0;  // unique ids within the page

/** Create an element with attributes (class, text, and any other) and children. */
function make(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

/** A number as the page shows it: three decimals, a true minus sign. */
function number(value, digits = 3) {
  return value.toFixed(digits).replace(/^-(?=0(\.0*)?$)/, "").replace("-", "−");
}

/** The colour of a signed value on a blue–white–red scale (red positive), as the notebooks draw. */
function diverging(value, limit) {
  const t = limit > 0 ? Math.max(-1, Math.min(1, value / limit)) : 0;
  const fade = (c) => Math.round(255 - (255 - c) * Math.abs(t));
  return t >= 0 ? [fade(178), fade(24), fade(43)] : [fade(33), fade(102), fade(172)];
}

/** Paint a map of values on a canvas, one canvas pixel per value; ``colour(v)`` gives [r, g, b]. */
function paint(canvas, values, width, height, colour, stride = 1, offset = 0) {
  const context = canvas.getContext("2d"), image = context.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    image.data.set([...colour(values[i * stride + offset]), 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
}

/** The ten probability bars, with a label and a percentage each; returns ``show(probabilities)``. */
function probabilityBars(parent) {
  const list = make("ol", { class: "bars", start: "0", "aria-label": "Probability of each digit" });
  parent.append(make("div", { class: "caption", text: "Probability of each digit" }), list);
  const rows = Array.from({ length: 10 }, (_, digit) => {
    const bar = make("span", { class: "bar" }), text = make("span", { class: "percent" });
    list.append(make("li", {}, make("span", { class: "label", text: String(digit) }), bar, text));
    return { bar, text };
  });
  return (probabilities) => {
    const best = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
    rows.forEach(({ bar, text }, digit) => {
      const p = probabilities ? probabilities[digit] : 0;
      bar.style.width = `${Math.round(150 * p)}px`;
      bar.classList.toggle("best", digit === best && p > 0);
      text.textContent = !probabilities ? "" : p > 0.99 ? "> 99 %" : p > 0 && p < 0.01 ? "< 1 %" : `${Math.round(100 * p)} %`;
    });
  };
}

/** The drawing pad: pointer and keyboard drawing, Undo and Clear. Calls ``changed(strokes, done)``
 * while a stroke grows (at most once a frame) and when it ends (``done``). */
function drawingPad(parent, recipe, strokes, changed) {
  const size = recipe.canvas, hint = `hint-${++counter}`;
  const canvas = make("canvas", {
    class: "pad", width: size, height: size, tabindex: "0", role: "application",
    "aria-label": "Drawing pad: draw a digit with the mouse, a pen or a finger",
    "aria-describedby": hint,
  });
  const undo = make("button", { type: "button", class: "undo", text: "Undo" });
  const clear = make("button", { type: "button", class: "clear", text: "Clear" });
  parent.append(canvas, make("div", { class: "buttons" }, undo, " ", clear),
    make("p", { class: "hint", id: hint, text: "Keyboard: arrow keys move the pen (Shift: finer), Space puts it down or lifts it." }));
  const context = canvas.getContext("2d");
  let current = null, pen = null, pending = false;

  function redraw() {
    context.fillStyle = "#000";
    context.fillRect(0, 0, size, size);
    context.strokeStyle = context.fillStyle = "#fff";
    context.lineWidth = recipe.pen;
    context.lineCap = context.lineJoin = "round";
    for (const stroke of current ? strokes.concat([current]) : strokes) {
      context.beginPath();
      context.moveTo(stroke[0][0], stroke[0][1]);
      for (const [x, y] of stroke) context.lineTo(x, y);
      if (stroke.length === 1) context.arc(stroke[0][0], stroke[0][1], recipe.pen / 2, 0, 2 * Math.PI);
      context.stroke();
    }
    if (pen && document.activeElement === canvas) {  // the keyboard's pen: a ring, filled when down
      context.beginPath();
      context.arc(pen.x, pen.y, recipe.pen / 2, 0, 2 * Math.PI);
      context.strokeStyle = "#f90";
      context.lineWidth = 2;
      context.stroke();
    }
  }
  const all = () => (current ? strokes.concat([current]) : strokes).map((s) => s.map((p) => p.slice()));
  function grew() {  // at most once a frame while the pen moves
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; if (current) changed(all(), false); });
  }
  function finish() {
    if (!current) return;
    strokes.push(current);
    current = null;
    redraw();
    changed(all(), true);
  }
  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [Math.round((event.clientX - box.left) * size / box.width), Math.round((event.clientY - box.top) * size / box.height)];
  }
  // Pointer events cover mouse, pen and touch alike; touch-action: none keeps the page still.
  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    redraw();
    grew();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current || pen) return;
    current.push(point(event));
    redraw();
    grew();
  });
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  canvas.addEventListener("keydown", (event) => {
    const step = event.shiftKey ? 4 : 14;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    pen = pen || { x: size / 2, y: size / 2, down: false };
    if (event.key in moves) {
      pen.x = Math.max(0, Math.min(size - 1, pen.x + moves[event.key][0]));
      pen.y = Math.max(0, Math.min(size - 1, pen.y + moves[event.key][1]));
      if (pen.down) { current.push([pen.x, pen.y]); grew(); }
    } else if (event.key === " " || event.key === "Enter") {
      pen.down = !pen.down;
      if (pen.down) { current = [[pen.x, pen.y]]; grew(); } else finish();
    } else if (event.key === "Escape" && pen.down) {
      pen.down = false;
      finish();
    } else {
      return;
    }
    event.preventDefault();
    redraw();
  });
  canvas.addEventListener("focus", redraw);
  canvas.addEventListener("blur", () => { if (pen && pen.down) { pen.down = false; finish(); } redraw(); });
  undo.addEventListener("click", () => { strokes.pop(); redraw(); changed(all(), true); });
  clear.addEventListener("click", () => { strokes.length = 0; redraw(); changed(all(), true); });
  redraw();
  return canvas;
}

/** Prepare the strokes and run the network; returns {digit, outputs} or {why} when there is no digit. */
function read(model, recipe, strokes) {
  if (!strokes.length) return { why: EMPTY };
  let digit;
  try {
    digit = prepareDigit(strokes, recipe);
  } catch (error) {
    if (error instanceof DrawingError) return { why: error.message };
    throw error;
  }
  return { digit, outputs: forward(model, Float32Array.from(digit, (v) => v / 255)) };
}

/** Bytes from base64 (an example digit's grey levels). */
function bytesOf(base64) {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** A 28×28 digit (0–255) on a small canvas, ink white on black as the network reads it. */
function showDigit(canvas, digit, side) {
  paint(canvas, digit || new Uint8Array(side * side), side, side, (v) => [v, v, v]);
}

// --- notebook 9: the pad ------------------------------------------------------------------------

function renderPad(el, source) {
  const recipe = source.get("recipe"), model = loadModel(source.get("network")), side = recipe.side;
  const panels = make("div", { class: "panels" });
  const left = make("div"), middle = make("div"), right = make("div");
  panels.append(left, middle, right);
  const prediction = make("p", { class: "prediction", "aria-live": "polite" });
  el.append(panels, prediction);
  const seen = make("canvas", { class: "seen", width: side, height: side, role: "img", "aria-label": "What the network sees: your digit as 28×28 pixels" });
  middle.append(make("div", { class: "caption", text: "What the network sees (28×28)" }), seen);
  const bars = probabilityBars(right);

  function update(strokes, done) {
    const start = performance.now();
    const { digit, outputs, why } = read(model, recipe, strokes);
    const probabilities = outputs ? Array.from(outputs[outputs.length - 1].values) : null;
    showDigit(seen, digit, side);
    bars(probabilities);
    prediction.textContent = why || describe(probabilities);
    el.dataset.updateMs = (performance.now() - start).toFixed(2);
    if (done && source.set) {
      source.set("strokes", strokes);
      source.set("digit", digit ? Array.from(digit) : []);
      source.set("probabilities", probabilities ? probabilities.map((p) => Math.round(p * 1e6) / 1e6) : []);
      source.set("prediction", prediction.textContent);
      source.save();
    }
  }
  const strokes = (source.get("strokes") || []).map((s) => s.slice());
  drawingPad(left, recipe, strokes, update);
  update(strokes, false);
}

// --- notebook 6: every layer ------------------------------------------------------------------

function renderLayers(el, source) {
  const recipe = source.get("recipe"), model = loadModel(source.get("network")), side = recipe.side;
  const example = source.get("example") ? bytesOf(source.get("example")) : null;
  const exampleText = source.get("example_caption");
  const top = make("div", { class: "panels" });
  const padPanel = make("div"), inputPanel = make("div"), barsPanel = make("div");
  top.append(padPanel, inputPanel, barsPanel);
  const prediction = make("p", { class: "prediction", "aria-live": "polite" });
  const filter = make("div", { class: "filter", "aria-live": "polite" });
  const layersPanel = make("div", { class: "layers" });
  el.append(top, prediction, layersPanel, filter);
  const input = make("canvas", { class: "seen", width: side, height: side, role: "img", "aria-label": "The input: 28×28 pixels" });
  const inputCaption = make("div", { class: "caption" });
  inputPanel.append(make("div", { class: "caption", text: "Input (28×28)" }), input, inputCaption);
  const bars = probabilityBars(barsPanel);

  const convolutions = model.layers.filter((layer) => layer.type === "conv2d");
  const grids = convolutions.map((layer) => {
    const [h, w, count] = layer.output_shape;
    const list = make("div", { class: "maps", role: "group", "aria-label": `${layer.name}: ${count} feature maps of ${h}×${w}; arrow keys move between them` });
    layersPanel.append(make("div", { class: "layer-title", text: `${layer.name}: ${count} feature maps (${h}×${w})` }), list);
    const maps = Array.from({ length: count }, (_, index) => {
      const canvas = make("canvas", { width: w, height: h });
      const button = make("button", { type: "button", class: "map", tabindex: index === 0 ? "0" : "-1", "aria-label": `${layer.name}, map ${index}: show its filter` }, canvas);
      button.addEventListener("pointerenter", () => showFilter(layer, index));
      button.addEventListener("focus", () => showFilter(layer, index));
      button.addEventListener("click", () => showFilter(layer, index));
      list.append(button);
      return { button, canvas };
    });
    list.addEventListener("keydown", (event) => {  // one tab stop per layer; arrows move within it
      const at = maps.findIndex((m) => m.button === document.activeElement);
      const columns = Math.max(1, Math.round(list.clientWidth / (maps[0].button.offsetWidth || 1)));
      const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns, Home: -count, End: count };
      if (at < 0 || !(event.key in moves)) return;
      event.preventDefault();
      const next = Math.max(0, Math.min(count - 1, at + moves[event.key]));
      maps[at].button.tabIndex = -1;
      maps[next].button.tabIndex = 0;
      maps[next].button.focus();
    });
    return { layer, maps };
  });

  function showFilter(layer, index) {
    const [kh, kw] = layer.kernel_size, kernel = layer.tensors[0], bias = layer.tensors[1];
    const channels = kernel.length / (kh * kw * layer.output_shape[2]), filters = layer.output_shape[2];
    const weight = (c, y, x) => kernel[((y * kw + x) * channels + c) * filters + index];
    let limit = 0;
    for (let c = 0; c < channels; c++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) limit = Math.max(limit, Math.abs(weight(c, y, x)));
    const perRow = Math.min(channels, 16), rows = Math.ceil(channels / perRow);
    const canvas = make("canvas", { width: perRow * (kw + 1) - 1, height: rows * (kh + 1) - 1, role: "img",
      "aria-label": `The filter of ${layer.name}, map ${index}: ${kh}×${kw} weights for each of ${channels} input channel${channels > 1 ? "s" : ""}` });
    const context = canvas.getContext("2d");
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          const [r, g, b] = diverging(weight(c, y, x), limit);
          context.fillStyle = `rgb(${r},${g},${b})`;
          context.fillRect((c % perRow) * (kw + 1) + x, Math.floor(c / perRow) * (kh + 1) + y, 1, 1);
        }
      }
    }
    canvas.style.width = `${canvas.width * (channels > 1 ? 6 : 24)}px`;
    const words = channels > 1
      ? `one ${kh}×${kw} grid of weights per input channel (${channels}: the maps of the layer before)`
      : `${kh}×${kw} weights on the input pixels`;
    const parts = [make("div", { class: "caption", text: `${layer.name}, map ${index}: its filter, ${words}; bias ${number(bias[index])}. Red: positive weight (wants ink there), blue: negative.` }), canvas];
    if (channels === 1) {
      const table = make("table", { class: "weights" });
      for (let y = 0; y < kh; y++) table.append(make("tr", {}, ...Array.from({ length: kw }, (_, x) => make("td", { text: number(weight(0, y, x), 2) }))));
      parts.push(table);
    }
    filter.replaceChildren(...parts);
    grids.forEach((grid) => grid.maps.forEach((m, i) => m.button.classList.toggle("shown", grid.layer === layer && i === index)));
  }

  function showOutputs(digit, outputs, why, caption) {
    showDigit(input, digit, side);
    inputCaption.textContent = caption;
    for (const { layer, maps } of grids) {
      const output = outputs && outputs.find((o) => o.name === layer.name);
      const [h, w, count] = layer.output_shape;
      const largest = output ? output.values.reduce((a, b) => Math.max(a, b), 0) : 0;
      const grey = (v) => { const level = largest > 0 ? Math.round(255 * v / largest) : 0; return [level, level, level]; };
      maps.forEach(({ canvas }, index) => paint(canvas, output ? output.values : new Float32Array(h * w * count), w, h, grey, count, index));
    }
    const probabilities = outputs ? Array.from(outputs[outputs.length - 1].values) : null;
    bars(probabilities);
    prediction.textContent = why || describe(probabilities);
  }

  function update(strokes) {
    const start = performance.now();
    if (!strokes.length && example) {
      const digit = example;
      showOutputs(digit, forward(model, Float32Array.from(digit, (v) => v / 255)), null, exampleText);
    } else {
      const { digit, outputs, why } = read(model, recipe, strokes);
      showOutputs(digit, outputs, why, outputs ? "Your drawing, prepared as in notebook 9." : "");
    }
    el.dataset.updateMs = (performance.now() - start).toFixed(2);
  }
  drawingPad(padPanel, recipe, [], update);
  update([]);
  if (convolutions.length) showFilter(convolutions[0], 0);
}

// --- notebook 1: the convolution, step by step ---------------------------------------------------

/** Draw a map of values as squares of ``scale`` pixels, and outline one block of it in orange. */
function squares(canvas, values, width, height, scale, colour, outline) {
  canvas.width = width * scale;
  canvas.height = height * scale;
  const context = canvas.getContext("2d");
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(values[y * width + x], y * width + x);
      context.fillStyle = `rgb(${r},${g},${b})`;
      context.fillRect(x * scale, y * scale, scale, scale);
    }
  }
  if (outline) {
    const [row, col, h, w] = outline;
    context.strokeStyle = "#e67e00";
    context.lineWidth = 2;
    context.strokeRect(col * scale + 1, row * scale + 1, w * scale - 2, h * scale - 2);
  }
}

function renderConvolution(el, source) {
  const digit = decodeFloats(source.get("digit")), kernel = source.get("kernel"), [kh, kw] = source.get("kernel_size");
  const featureMap = decodeFloats(source.get("feature_map")), [fh, fw] = source.get("feature_shape");
  const pooled = decodeFloats(source.get("pooled")), [ph, pw] = source.get("pooled_shape");
  const side = Math.round(Math.sqrt(digit.length));
  const rectified = featureMap.map((v) => Math.max(v, 0));  // relu, as Keras applies it before pooling
  const convolutions = fh * fw, steps = convolutions + ph * pw;
  const limit = featureMap.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  const pooledLimit = pooled.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  const grey = (v) => { const level = Math.round(255 * (1 - v)); return [level, level, level]; };
  const blank = [255, 255, 255], weight = (w) => number(w, Number.isInteger(w) ? 0 : 2);

  const id = ++counter;
  const play = make("button", { type: "button", class: "play", text: "Play" });
  const back = make("button", { type: "button", class: "back", text: "◀ Back" });
  const next = make("button", { type: "button", class: "step", text: "Step ▶" });
  const slider = make("input", { type: "range", min: "0", max: String(steps - 1), value: "0", id: `position-${id}` });
  const image = make("canvas", { class: "digit", role: "img", "aria-label": "The digit, with the window outlined" });
  const map = make("canvas", { class: "feature", role: "img", "aria-label": "The feature map, filled in up to the window" });
  const small = make("canvas", { class: "pooled", role: "img", "aria-label": "The pooled map" });
  const stage = make("p", { class: "stage" }), work = make("div", { class: "work", "aria-live": "polite" });
  const imageCaption = make("div", { class: "caption" }), mapCaption = make("div", { class: "caption" });
  el.append(
    make("div", { class: "controls" }, play, " ", back, " ", next, " ", make("label", { for: `position-${id}`, text: "Position " }), slider),
    stage,
    make("div", { class: "panels" },
      make("div", {}, imageCaption, image), make("div", {}, work),
      make("div", {}, mapCaption, map), make("div", {}, make("div", { class: "caption", text: `After relu, 2×2 max pooling (${ph}×${pw})` }), small)));
  el.tabIndex = 0;
  el.setAttribute("role", "group");
  el.setAttribute("aria-label", "A convolution step by step: Play, Step, the slider or the arrow keys move the window");

  function show(step) {
    if (step < convolutions) {
      const row = Math.floor(step / fw), col = step % fw;
      const { products, sum } = windowProducts(digit, side, kernel, [kh, kw], row, col);
      stage.textContent = `Convolution: the ${kh * kw} pixels under the window times the filter's ${kh * kw} weights, added up.`;
      squares(image, digit, side, side, 8, grey, [row, col, kh, kw]);
      squares(map, featureMap, fw, fh, 8, (v, i) => (i <= step ? diverging(v, limit) : blank), [row, col, 1, 1]);
      squares(small, pooled, pw, ph, 12, () => blank);
      imageCaption.textContent = `Digit (${side}×${side}), window at row ${row}, column ${col}`;
      mapCaption.textContent = `Feature map (${fh}×${fw}): ${step + 1} of ${convolutions} values`;
      const table = make("table", { class: "products" });
      for (let y = 0; y < kh; y++) {
        table.append(make("tr", {}, ...products.slice(y * kw, (y + 1) * kw).map(({ pixel, weight: w, product }) =>
          make("td", {}, `${number(pixel)} × ${weight(w)}`, make("br"), `= ${number(product)}`))));
      }
      work.replaceChildren(table,
        make("p", { class: "sum", "data-sum": String(sum), text: `sum = ${number(sum)}` }),
        make("p", { class: "keras", "data-value": String(featureMap[step]), text: `Keras's feature map at (${row}, ${col}): ${number(featureMap[step])}` }));
      el.dataset.window = `${row},${col}`;
      slider.setAttribute("aria-valuetext", `convolution, window at row ${row}, column ${col}`);
    } else {
      const index = step - convolutions, row = Math.floor(index / pw), col = index % pw;
      stage.textContent = "Max pooling: each 2×2 block of the feature map, after relu, keeps its largest value.";
      squares(image, digit, side, side, 8, grey);
      squares(map, rectified, fw, fh, 8, (v) => diverging(v, limit), [2 * row, 2 * col, 2, 2]);
      squares(small, pooled, pw, ph, 12, (v, i) => (i <= index ? diverging(v, pooledLimit) : blank), [row, col, 1, 1]);
      imageCaption.textContent = `Digit (${side}×${side})`;
      mapCaption.textContent = `Feature map after relu: the block at rows ${2 * row}–${2 * row + 1}, columns ${2 * col}–${2 * col + 1}`;
      const values = [0, 1].flatMap((dy) => [0, 1].map((dx) => rectified[(2 * row + dy) * fw + 2 * col + dx]));
      const largest = Math.max(...values);
      work.replaceChildren(make("p", { text: `The block: ${values.map((v) => number(v)).join(", ")}` }),
        make("p", { class: "sum", "data-max": String(largest), text: `largest = ${number(largest)}` }),
        make("p", { class: "keras", "data-value": String(pooled[index]), text: `Keras's pooled map at (${row}, ${col}): ${number(pooled[index])}` }));
      el.dataset.window = `pool ${row},${col}`;
      slider.setAttribute("aria-valuetext", `max pooling, block at row ${row}, column ${col}`);
    }
    slider.value = String(step);
  }

  let step = 0, timer = null;
  const go = (to) => { step = Math.max(0, Math.min(steps - 1, to)); show(step); };
  function stop() {
    clearInterval(timer);
    timer = null;
    play.textContent = "Play";
  }
  play.addEventListener("click", () => {
    if (timer) { stop(); return; }
    play.textContent = "Pause";
    // Asked for reduced motion, the window jumps a row at a time, once a second; else it glides.
    const slow = reducedMotion();
    timer = setInterval(() => {
      if (step >= steps - 1) stop();
      else go(step + (!slow ? 1 : step < convolutions ? fw : pw));
    }, slow ? 1000 : 80);
  });
  back.addEventListener("click", () => { stop(); go(step - 1); });
  next.addEventListener("click", () => { stop(); go(step + 1); });
  slider.addEventListener("input", () => { stop(); go(Number(slider.value)); });
  el.addEventListener("keydown", (event) => {
    if (event.target === slider) return;  // the slider has its own arrow keys
    const width = step < convolutions ? fw : pw;
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: width, ArrowUp: -width };
    if (!(event.key in moves)) return;
    event.preventDefault();
    stop();
    go(step + moves[event.key]);
  });
  go(source.get("start") || 0);
  el.dataset.motion = reducedMotion() ? "reduce" : "full";
}

const RENDERERS = { pad: renderPad, layers: renderLayers, convolution: renderConvolution };

/** Draw one explainer in ``el`` from ``source`` (anything with ``get(name)``). */
export function mount(el, source) {
  const kind = source.get("kind");
  el.classList.add("mnist-explainer", `mnist-explainer-${kind}`);
  el.replaceChildren();
  RENDERERS[kind](el, source);
}

/** A book page: every explainer placed by the book's build, with the data written into the page. */
export function mountPage(page) {
  const network = page.getElementById("mnist-explainer-network");
  const recipe = page.getElementById("mnist-explainer-recipe");
  for (const el of page.querySelectorAll("[data-mnist-explainer]")) {
    const data = JSON.parse(el.querySelector("script[type='application/json']").textContent);
    if (network) data.network = JSON.parse(network.textContent);
    if (recipe) data.recipe = JSON.parse(recipe.textContent);
    mount(el, { get: (name) => data[name] });
  }
}

// anywidget: the widget's model is the source, and what the pad computes goes back to the kernel.
export default {
  render({ model, el }) {
    mount(el, { get: (name) => model.get(name), set: (name, value) => model.set(name, value), save: () => model.save_changes() });
  },
};
