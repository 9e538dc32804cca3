import { expect } from "chai";
import { createHash } from "node:crypto";
import { neuronLeafFields } from "@vinfer/runtime";
import { HELD_OUT_FRACTION, heldOutInputs, int8Accuracy, mnistSplit, MNIST_PIXELS } from "@vinfer/runtime/training";
import { expectedNeuronLeaf, mnistDigits, naiveMerkleRoot, readRepoFile, shippedModel } from "./helpers.ts";

describe("runtime: the shipped MNIST model", () => {
  const model = shippedModel();

  it("loads, and its weightsRoot recomputes from the neuron leaves", () => {
    expect(model.inputWidth).to.equal(MNIST_PIXELS);
    expect(model.layers.map((layer) => layer.outWidth)).to.deep.equal([64, 10]);
    expect(model.traceLength).to.equal(74);
    const leaves = model.layers.flatMap((layer, l) =>
      Array.from({ length: layer.outWidth }, (_, j) => expectedNeuronLeaf(neuronLeafFields(model, l, j))),
    );
    expect(naiveMerkleRoot(leaves)).to.equal(model.weightsRoot);
  });

  it("matches its recorded SHA-256 and the recorded results", () => {
    const text = readRepoFile("models/mnist-mlp.json");
    const [digest, name] = readRepoFile("models/mnist-mlp.sha256").trim().split(/\s+/);
    expect(name).to.equal("mnist-mlp.json");
    expect(createHash("sha256").update(text).digest("hex")).to.equal(digest);
    const results = JSON.parse(readRepoFile("bench/results/model.json"));
    expect(results.weightsRoot).to.equal(model.weightsRoot);
    expect(results.modelSha256).to.equal(digest);
  });

  it("holds out the last fifth of each digit, unseen in training", () => {
    const digits = mnistDigits();
    const { training, heldOut } = mnistSplit(digits);
    expect(training.length + heldOut.length).to.equal(10_000);
    for (let label = 0; label < 10; label++) {
      const count = digits[label].raw.length / MNIST_PIXELS;
      expect(heldOut.filter((sample) => sample.label === label)).to.have.length(Math.floor(count * HELD_OUT_FRACTION));
    }
    const lastOfZero = heldOut.filter((sample) => sample.label === 0).at(-1)!;
    expect(Array.from(lastOfZero.pixels)).to.deep.equal(Array.from(digits[0].raw).slice(-MNIST_PIXELS));
  });

  it("reaches its recorded int8 accuracy on the held-out digits", () => {
    const { inputs, labels } = heldOutInputs(mnistDigits());
    const accuracy = int8Accuracy(model, inputs, labels);
    const results = JSON.parse(readRepoFile("bench/results/model.json"));
    expect(inputs).to.have.length(model.metadata.heldOut as number);
    expect(results.heldOut).to.equal(inputs.length);
    expect(accuracy).to.equal(model.metadata.int8Accuracy);
    expect(accuracy).to.equal(results.int8Accuracy);
    expect(accuracy).to.be.at.least(0.92);
    expect(accuracy).to.be.at.least((model.metadata.floatAccuracy as number) - 0.015);
  });
});
