// The canvas of utils.drawing.DrawingPad and its read-outs, in the browser. Python does the
// thinking: this code only sends the strokes (lists of [x, y] points) and draws what Python sends
// back. The canvas size and the pen width come from Python (the synced traits "size" and "pen"),
// so they are defined once, in utils/drawing.py.

function percent(p) {
  // Whole percent, like the sentence under the canvas: never more precision than a softmax has.
  if (p > 0.99) return "> 99 %";
  if (p > 0 && p < 0.01) return "< 1 %";
  return `${Math.round(100 * p)} %`;
}

function render({ model, el }) {
  const size = model.get("size"), pen = model.get("pen");
  el.classList.add("drawing-pad");
  el.innerHTML = `
    <div class="panels">
      <div>
        <canvas class="pad" width="${size}" height="${size}"></canvas>
        <div class="buttons"><button class="undo">Undo</button> <button class="clear">Clear</button></div>
      </div>
      <div>
        <div>What the network sees (28×28)</div>
        <canvas class="seen" width="28" height="28"></canvas>
      </div>
      <div>
        <div>Probability of each digit</div>
        <div class="bars"></div>
      </div>
    </div>
    <p class="prediction"></p>`;
  const pad = el.querySelector(".pad"), ctx = pad.getContext("2d");
  const seen = el.querySelector(".seen").getContext("2d");
  const bars = el.querySelector(".bars"), prediction = el.querySelector(".prediction");
  let strokes = model.get("strokes").map((s) => s.slice()), current = null;

  function redraw() {
    ctx.fillStyle = "#000"; ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = ctx.fillStyle = "#fff"; ctx.lineWidth = pen; ctx.lineCap = ctx.lineJoin = "round";
    for (const stroke of current ? strokes.concat([current]) : strokes) {
      ctx.beginPath(); ctx.moveTo(stroke[0][0], stroke[0][1]);
      for (const [x, y] of stroke) ctx.lineTo(x, y);
      if (stroke.length === 1) ctx.arc(stroke[0][0], stroke[0][1], pen / 2, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  function send() { model.set("strokes", strokes.map((s) => s.slice())); model.save_changes(); }
  function point(event) {
    const box = pad.getBoundingClientRect();
    return [Math.round((event.clientX - box.left) * size / box.width),
            Math.round((event.clientY - box.top) * size / box.height)];
  }
  // Pointer events cover mouse, pen and touch alike; touch-action: none stops the page scrolling.
  pad.addEventListener("pointerdown", (e) => { pad.setPointerCapture(e.pointerId); current = [point(e)]; redraw(); });
  let lastSent = 0;  // while the pen moves, send the strokes so far at most four times a second
  pad.addEventListener("pointermove", (e) => {
    if (!current) return;
    current.push(point(e)); redraw();
    if (e.timeStamp - lastSent > 250) {
      lastSent = e.timeStamp;
      model.set("strokes", strokes.concat([current]).map((s) => s.slice())); model.save_changes();
    }
  });
  const finish = () => { if (current) { strokes.push(current); current = null; redraw(); send(); } };
  pad.addEventListener("pointerup", finish);
  pad.addEventListener("pointercancel", finish);
  el.querySelector(".undo").addEventListener("click", () => { strokes.pop(); redraw(); send(); });
  el.querySelector(".clear").addEventListener("click", () => { strokes = []; redraw(); send(); });

  function show() {
    const digit = model.get("digit"), image = seen.createImageData(28, 28);
    digit.forEach((v, i) => { image.data.set([v, v, v, 255], 4 * i); });
    seen.putImageData(image, 0, 0);
    const probabilities = model.get("probabilities"), best = probabilities.indexOf(Math.max(...probabilities));
    bars.innerHTML = probabilities.map((p, d) => `
      <div class="bar">
        <span class="label">${d}</span>
        <span class="length${d === best && p > 0 ? " best" : ""}" style="width:${Math.round(160 * p)}px"></span>
        <span>${percent(p)}</span>
      </div>`).join("");
    prediction.textContent = model.get("prediction");
  }
  model.on("change:digit", show);
  model.on("change:probabilities", show);
  model.on("change:prediction", show);
  redraw(); show();
}
export default { render };
