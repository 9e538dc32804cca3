import { expect } from "chai";
import { buildModel, ModelFormatError, parseModel, serializeModel } from "@vinfer/runtime";
import { seededRandom } from "@vinfer/runtime/training";
import type { Int8Layer, Int8Model } from "@vinfer/runtime";

const random = seededRandom(7);
const int8s = (length: number) => Int8Array.from({ length }, () => Math.floor(random() * 256) - 128);

/** A 3-4-2 model: small enough to read, with every field in play. */
function smallModel(): Int8Model {
  const layers: Int8Layer[] = [
    { inWidth: 3, outWidth: 4, weights: int8s(12), biases: Int32Array.of(-5, 0, 2 ** 31 - 1, -(2 ** 31)), multiplier: 1 << 20, shift: 25, relu: true },
    { inWidth: 4, outWidth: 2, weights: int8s(8), biases: Int32Array.of(7, -7), multiplier: 2 ** 31 - 1, shift: 63, relu: false },
  ];
  return buildModel({ inputWidth: 3, layers, metadata: { note: "test" } });
}

// Loosely typed on purpose: the tests write values of the wrong type into it.
type FileJson = { [key: string]: any };
const fileJson = (): FileJson => JSON.parse(serializeModel(smallModel()));

/** Expects `parseModel` to refuse the file after `mutate`, naming `field`. */
function expectRejected(mutate: (file: FileJson) => void, field: string, message?: RegExp): void {
  const file = fileJson();
  mutate(file);
  let error: unknown;
  try {
    parseModel(JSON.stringify(file));
  } catch (caught) {
    error = caught;
  }
  expect(error, `expected a ModelFormatError on ${field}`).to.be.instanceOf(ModelFormatError);
  expect((error as ModelFormatError).field).to.equal(field);
  expect((error as Error).message).to.contain(field);
  if (message) expect((error as Error).message).to.match(message);
}

describe("runtime: model files", () => {
  it("round-trips a model through its file", () => {
    const model = smallModel();
    const text = serializeModel(model);
    const loaded = parseModel(text);
    expect(loaded.weightsRoot).to.equal(model.weightsRoot);
    expect(loaded.traceLength).to.equal(6);
    expect(loaded.metadata).to.deep.equal({ note: "test" });
    loaded.layers.forEach((layer, l) => {
      expect(Array.from(layer.weights)).to.deep.equal(Array.from(model.layers[l].weights));
      expect(Array.from(layer.biases)).to.deep.equal(Array.from(model.layers[l].biases));
    });
    expect(serializeModel(loaded)).to.equal(text);
    expect(parseModel(JSON.parse(text)).weightsRoot).to.equal(model.weightsRoot);
  });

  it("accepts a file without metadata and an upper-case weightsRoot", () => {
    const file = fileJson();
    delete file.metadata;
    file.weightsRoot = "0x" + file.weightsRoot.slice(2).toUpperCase();
    expect(parseModel(JSON.stringify(file)).metadata).to.deep.equal({});
  });

  it("rejects text that is not a JSON object", () => {
    expect(() => parseModel("{")).to.throw(ModelFormatError, /not JSON/);
    expect(() => parseModel("[]")).to.throw(ModelFormatError, /expected an object/);
  });

  it("rejects a wrong format, an unknown version and a wrong profile", () => {
    expectRejected((f) => (f.format = "onnx"), "format");
    expectRejected((f) => (f.version = 2), "version", /unsupported version 2/);
    expectRejected((f) => delete f.version, "version");
    expectRejected((f) => (f.profile = "vinfer-int8-mlp/2"), "profile");
  });

  it("rejects out-of-range or non-integer widths", () => {
    expectRejected((f) => (f.inputWidth = 0), "inputWidth");
    expectRejected((f) => (f.inputWidth = 1.5), "inputWidth");
    expectRejected((f) => (f.inputWidth = "3"), "inputWidth");
    expectRejected((f) => (f.layers[0].inWidth = 4097), "layers[0].inWidth");
    expectRejected((f) => (f.layers[1].outWidth = 0), "layers[1].outWidth");
    expectRejected((f) => (f.layers = []), "layers");
    expectRejected((f) => (f.layers = {}), "layers");
    expectRejected((f) => (f.layers[1] = 5), "layers[1]");
  });

  it("rejects layers that do not chain", () => {
    expectRejected((f) => (f.inputWidth = 4), "layers[0].inWidth", /inputWidth = 4/);
    // Widths and weights stay self-consistent (2 × 3), but layer 0 produces 4 values.
    expectRejected((f) => {
      f.layers[1].inWidth = 3;
      f.layers[1].weights = Buffer.alloc(6).toString("base64");
    }, "layers[1].inWidth", /layers\[0\]\.outWidth = 4/);
  });

  it("rejects weights that are not canonical base64 of outWidth × inWidth bytes", () => {
    expectRejected((f) => (f.layers[0].weights = Buffer.alloc(11).toString("base64")), "layers[0].weights", /12/);
    expectRejected((f) => (f.layers[0].weights = Buffer.alloc(13).toString("base64")), "layers[0].weights");
    expectRejected((f) => (f.layers[0].weights = "AAAAAAAAAAAAAAA*"), "layers[0].weights", /base64/);
    expectRejected((f) => (f.layers[0].weights = "AAAAAAAAAAAAAAAA".slice(0, 15)), "layers[0].weights");
    expectRejected((f) => (f.layers[0].weights = " " + f.layers[0].weights), "layers[0].weights");
    expectRejected((f) => (f.layers[0].weights = [1, 2, 3]), "layers[0].weights");
  });

  it("rejects biases of the wrong count or outside int32", () => {
    expectRejected((f) => f.layers[0].biases.pop(), "layers[0].biases", /expected outWidth = 4/);
    expectRejected((f) => (f.layers[0].biases = "0"), "layers[0].biases");
    expectRejected((f) => (f.layers[0].biases[2] = 2 ** 31), "layers[0].biases[2]");
    expectRejected((f) => (f.layers[0].biases[3] = -(2 ** 31) - 1), "layers[0].biases[3]");
    expectRejected((f) => (f.layers[1].biases[1] = 0.5), "layers[1].biases[1]");
    expectRejected((f) => (f.layers[1].biases[0] = null), "layers[1].biases[0]");
  });

  it("rejects multipliers outside 1..2^31 − 1 and shifts outside 0..63", () => {
    expectRejected((f) => (f.layers[0].multiplier = 0), "layers[0].multiplier");
    expectRejected((f) => (f.layers[0].multiplier = 2 ** 31), "layers[0].multiplier");
    expectRejected((f) => (f.layers[1].multiplier = 3.5), "layers[1].multiplier");
    expectRejected((f) => (f.layers[0].shift = -1), "layers[0].shift");
    expectRejected((f) => (f.layers[1].shift = 64), "layers[1].shift");
    expectRejected((f) => delete f.layers[1].shift, "layers[1].shift");
  });

  it("requires ReLU on every hidden layer and forbids it on the last", () => {
    expectRejected((f) => (f.layers[1].relu = true), "layers[1].relu", /last layer/);
    expectRejected((f) => (f.layers[0].relu = false), "layers[0].relu", /hidden layer/);
    expectRejected((f) => delete f.layers[0].relu, "layers[0].relu", /boolean/);
    expectRejected((f) => (f.layers[0].relu = 1), "layers[0].relu", /boolean/);
  });

  it("rejects a weightsRoot or traceLength that does not match the content", () => {
    expectRejected((f) => (f.weightsRoot = "0x1234"), "weightsRoot", /64 hex/);
    expectRejected((f) => delete f.weightsRoot, "weightsRoot");
    expectRejected((f) => (f.weightsRoot = "0x" + "ab".repeat(32)), "weightsRoot", /does not match/);
    expectRejected((f) => {
      const weights = Buffer.from(f.layers[1].weights, "base64");
      weights[5] ^= 1;
      f.layers[1].weights = weights.toString("base64");
    }, "weightsRoot", /does not match/);
    expectRejected((f) => (f.layers[0].biases[0] += 1), "weightsRoot");
    expectRejected((f) => (f.layers[1].shift -= 1), "weightsRoot");
    expectRejected((f) => (f.traceLength = 7), "traceLength", /Σ outWidth = 6/);
    expectRejected((f) => (f.traceLength = "6"), "traceLength");
  });

  it("rejects metadata that is not an object", () => {
    expectRejected((f) => (f.metadata = [1]), "metadata");
    expectRejected((f) => (f.metadata = "notes"), "metadata");
  });

  it("checks models built in memory the same way", () => {
    const good = smallModel();
    const layer = good.layers[0];
    const build = (changes: Partial<Int8Layer>) => buildModel({ inputWidth: 3, layers: [{ ...layer, ...changes }, good.layers[1]] });
    expect(() => build({ weights: new Int8Array(11) })).to.throw(ModelFormatError, /layers\[0\]\.weights/);
    expect(() => build({ weights: new Uint8Array(12) as unknown as Int8Array })).to.throw(ModelFormatError, /Int8Array/);
    expect(() => build({ biases: new Int32Array(3) })).to.throw(ModelFormatError, /layers\[0\]\.biases/);
    expect(() => buildModel({ inputWidth: 3, layers: [] })).to.throw(ModelFormatError, /layers/);
  });
});
