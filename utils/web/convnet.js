// The lesson's convnet, run in the page: a forward pass over the weights of a trained Keras model.
//
// Python (utils/browser.py, export_model) sends the network as plain data: its input shape, its
// layers (Conv2D, MaxPooling2D, Flatten, Dense; each with its output shape) and all the weights,
// float32 in one base64 string. Tensors here are Float32Arrays in Keras's channels-last order:
// the value at (row, column, channel) of an H×W×C map is at index (row * W + column) * C + channel,
// so Flatten changes nothing and Dense reads the values in the order Keras's Flatten gives them.
// Sums are accumulated in double precision and stored as float32, as Keras stores them.
// No DOM here: Node runs this file as it is (tests/node/).

/** The network from export_model's data: its layers, each with its weights as Float32Arrays. */
export function loadModel(network) {
  const all = decodeFloats(network.weights);
  const layers = network.layers.map((layer) => ({
    ...layer,
    tensors: (layer.weights || []).map(([offset, shape]) =>
      all.subarray(offset, offset + shape.reduce((a, b) => a * b, 1))),
  }));
  return { name: network.name, inputShape: network.input_shape, layers };
}

/** Float32 values from base64 (little-endian), or from a DataView or ArrayBuffer. */
export function decodeFloats(data) {
  let bytes;
  if (typeof data === "string") {
    const text = atob(data);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  } else {
    bytes = new Uint8Array(data.buffer || data, data.byteOffset || 0, data.byteLength);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const floats = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < floats.length; i++) floats[i] = view.getFloat32(4 * i, true);
  return floats;
}

/** Every layer's output for one image (a Float32Array of the input shape, values 0 to 1). */
export function forward(model, image) {
  let values = image, shape = model.inputShape;
  const outputs = [];
  for (const layer of model.layers) {
    if (layer.type === "conv2d") values = conv2d(values, shape, layer);
    else if (layer.type === "max_pooling2d") values = maxPool2d(values, shape, layer);
    else if (layer.type === "dense") values = dense(values, layer);
    else if (layer.type !== "flatten") throw new Error(`unknown layer type ${layer.type}`);
    shape = layer.output_shape;
    outputs.push({ name: layer.name, type: layer.type, shape, values });
  }
  return outputs;
}

/** The ten probabilities (the last layer's output) for one image. */
export function predict(model, image) {
  const outputs = forward(model, image);
  return outputs[outputs.length - 1].values;
}

/** The first row or column a window touches: Keras's "same" pads (total / 2, rounded down) before. */
function padBefore(size, outSize, window, stride, padding) {
  if (padding !== "same") return 0;
  return Math.floor(Math.max((outSize - 1) * stride + window - size, 0) / 2);
}

/** Conv2D: at each position, every filter's weights times the pixels under the window, plus its bias. */
export function conv2d(input, [height, width, channels], layer) {
  const [kernel, bias] = layer.tensors;
  const [kh, kw] = layer.kernel_size, [sh, sw] = layer.strides;
  const [outH, outW, filters] = layer.output_shape;
  const top = padBefore(height, outH, kh, sh, layer.padding);
  const left = padBefore(width, outW, kw, sw, layer.padding);
  const output = new Float32Array(outH * outW * filters);
  const sums = new Float64Array(filters);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let f = 0; f < filters; f++) sums[f] = bias ? bias[f] : 0;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh + ky - top;
        if (iy < 0 || iy >= height) continue;  // "same" padding: zeros outside the image
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * sw + kx - left;
          if (ix < 0 || ix >= width) continue;
          for (let c = 0; c < channels; c++) {
            const pixel = input[(iy * width + ix) * channels + c];
            if (pixel === 0) continue;  // after ReLU most values are 0: nothing to add
            const row = ((ky * kw + kx) * channels + c) * filters;
            for (let f = 0; f < filters; f++) sums[f] += pixel * kernel[row + f];
          }
        }
      }
      activate(sums, layer.activation, output, (oy * outW + ox) * filters);
    }
  }
  return output;
}

/** MaxPooling2D: the largest value of each window, channel by channel. */
export function maxPool2d(input, [height, width, channels], layer) {
  const [ph, pw] = layer.pool_size, [sh, sw] = layer.strides;
  const [outH, outW] = layer.output_shape;
  const top = padBefore(height, outH, ph, sh, layer.padding);
  const left = padBefore(width, outW, pw, sw, layer.padding);
  const output = new Float32Array(outH * outW * channels);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let c = 0; c < channels; c++) {
        let largest = -Infinity;
        for (let y = oy * sh - top; y < oy * sh - top + ph; y++) {
          for (let x = ox * sw - left; x < ox * sw - left + pw; x++) {
            if (y >= 0 && y < height && x >= 0 && x < width) {
              largest = Math.max(largest, input[(y * width + x) * channels + c]);
            }
          }
        }
        output[(oy * outW + ox) * channels + c] = largest;
      }
    }
  }
  return output;
}

/** Dense: each unit's weights times every input, plus its bias. */
export function dense(input, layer) {
  const [kernel, bias] = layer.tensors;
  const units = layer.output_shape[0];
  const sums = new Float64Array(units);
  for (let j = 0; j < units; j++) sums[j] = bias ? bias[j] : 0;
  for (let i = 0; i < input.length; i++) {
    const value = input[i];
    if (value === 0) continue;
    const row = i * units;
    for (let j = 0; j < units; j++) sums[j] += value * kernel[row + j];
  }
  const output = new Float32Array(units);
  activate(sums, layer.activation, output, 0);
  return output;
}

/** Apply the layer's activation to ``sums`` and store them as float32 in ``output`` at ``at``. */
function activate(sums, activation, output, at) {
  if (activation === "softmax") {
    const largest = Math.max(...sums);
    let total = 0;
    for (let i = 0; i < sums.length; i++) total += Math.exp(sums[i] - largest);
    for (let i = 0; i < sums.length; i++) output[at + i] = Math.exp(sums[i] - largest) / total;
  } else if (activation === "relu") {
    for (let i = 0; i < sums.length; i++) output[at + i] = sums[i] > 0 ? sums[i] : 0;
  } else if (activation === "linear") {
    for (let i = 0; i < sums.length; i++) output[at + i] = sums[i];
  } else {
    throw new Error(`unknown activation ${activation}`);
  }
}

/** One window of a one-channel convolution worked by hand: the products pixel × weight and their sum.
 *
 * ``image`` is H×W (row by row), ``kernel`` kh×kw; the window's top-left pixel is (row, col). */
export function windowProducts(image, width, kernel, [kh, kw], row, col) {
  const products = [];
  let sum = 0;
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const pixel = image[(row + ky) * width + col + kx], weight = kernel[ky * kw + kx];
      products.push({ pixel, weight, product: pixel * weight });
      sum += pixel * weight;
    }
  }
  return { products, sum };
}
