// Runtime benchmark on the shipped MNIST model: int8 inferences/s against a plain Float32Array
// implementation of the same network measured in the same run, and the time to build the
// trace plus every step witness of one inference. Writes bench/results/runtime.json.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { argmax, heldOutInputs, infer, parseModel, stepWitness, trace } from "@vinfer/runtime";
import type { Int8Model, MnistDigits } from "@vinfer/runtime";

const root = new URL("../", import.meta.url);
const model = parseModel(readFileSync(new URL("models/mnist-mlp.json", root), "utf8"));
const { inputs, labels } = heldOutInputs(createRequire(import.meta.url)("mnist") as MnistDigits);

type Float32Layer = { inWidth: number; outWidth: number; weights: Float32Array; biases: Float32Array; relu: boolean };

/** The same network in float: each layer's int8 weights and biases scaled by its M / 2^S. */
function dequantize(model: Int8Model): Float32Layer[] {
  return model.layers.map((layer) => {
    const scale = layer.multiplier / 2 ** layer.shift;
    return {
      inWidth: layer.inWidth,
      outWidth: layer.outWidth,
      weights: Float32Array.from(layer.weights, (w) => w * scale),
      biases: Float32Array.from(layer.biases, (b) => b * scale),
      relu: layer.relu,
    };
  });
}

function inferFloat32(layers: Float32Layer[], input: Float32Array): Float32Array {
  let x = input;
  for (const { inWidth, outWidth, weights, biases, relu } of layers) {
    const y = new Float32Array(outWidth);
    for (let j = 0; j < outWidth; j++) {
      let sum = biases[j];
      const row = j * inWidth;
      for (let i = 0; i < inWidth; i++) sum += weights[row + i] * x[i];
      y[j] = relu && sum < 0 ? 0 : sum;
    }
    x = y;
  }
  return x;
}

/** Runs `run` over the inputs for about `ms` milliseconds and returns inferences per second. */
function rate(run: (k: number) => unknown, count: number, ms: number): number {
  let done = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < count; k++) run(k);
    done += count;
    elapsed = performance.now() - start;
  }
  return (done / elapsed) * 1000;
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

const float32Layers = dequantize(model);
const floatInputs = inputs.map((input) => Float32Array.from(input));
const runInt8 = (k: number) => infer(model, inputs[k]);
const runFloat32 = (k: number) => inferFloat32(float32Layers, floatInputs[k]);

// Same inputs, same predictions (up to the int8 rounding): a guard that both run the same network.
let agree = 0;
for (let k = 0; k < inputs.length; k++) if (argmax(runInt8(k)) === argmax(runFloat32(k))) agree++;

rate(runInt8, inputs.length, 500); // warm-up
rate(runFloat32, inputs.length, 500);
const int8Rates: number[] = [];
const float32Rates: number[] = [];
for (let round = 0; round < 5; round++) {
  int8Rates.push(rate(runInt8, inputs.length, 400));
  float32Rates.push(rate(runFloat32, inputs.length, 400));
}
const int8PerSecond = median(int8Rates);
const float32PerSecond = median(float32Rates);

function traceAndWitnesses(input: Int8Array): void {
  trace(model, input);
  for (let t = 0; t < model.traceLength; t++) stepWitness(model, input, t);
}
for (let k = 0; k < 5; k++) traceAndWitnesses(inputs[k]); // warm-up
const traceTimes: number[] = [];
for (let k = 0; k < 15; k++) {
  const start = performance.now();
  traceAndWitnesses(inputs[k]);
  traceTimes.push(performance.now() - start);
}
const traceMs = median(traceTimes);

let correct = 0;
for (let k = 0; k < inputs.length; k++) if (argmax(runInt8(k)) === labels[k]) correct++;

const results = {
  int8PerSecond: Math.round(int8PerSecond),
  float32PerSecond: Math.round(float32PerSecond),
  ratio: Number((int8PerSecond / float32PerSecond).toFixed(2)),
  traceMs: Number(traceMs.toFixed(2)),
  traceLength: model.traceLength,
  network: [model.inputWidth, ...model.layers.map((layer) => layer.outWidth)].join("-"),
  inputs: inputs.length,
  int8Accuracy: correct / inputs.length,
  predictionAgreement: agree / inputs.length,
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
};

const row = (name: string, value: string) => `${name.padEnd(34)}${value.padStart(14)}`;
console.log(row("MNIST " + results.network, ""));
console.log(row("int8 inferences/s (1 core)", results.int8PerSecond.toLocaleString("en-US")));
console.log(row("float32 inferences/s (1 core)", results.float32PerSecond.toLocaleString("en-US")));
console.log(row("int8 / float32", `${results.ratio}×`));
console.log(row(`trace + ${model.traceLength} witnesses (ms)`, results.traceMs.toFixed(2)));
console.log(row("int8 accuracy (held out)", results.int8Accuracy.toFixed(4)));
console.log(row("int8/float32 same prediction", results.predictionAgreement.toFixed(4)));

writeFileSync(new URL("bench/results/runtime.json", root), JSON.stringify(results, null, 2) + "\n");
