// The JSON model file, format "vinfer-int8-mlp" version 1 (layout in packages/runtime/README.md).
// Reading checks every field and that weightsRoot and traceLength match the content.
import { PROFILE } from "./hash.ts";
import { buildModel, MAX_WIDTH, ModelFormatError, requireInteger } from "./model.ts";
import type { Int8Layer, Int8Model } from "./model.ts";

export const MODEL_FORMAT = "vinfer-int8-mlp";
export const MODEL_FORMAT_VERSION = 1;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  // Chunked so String.fromCharCode never gets more arguments than the engine allows.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function decodeBase64(field: string, text: unknown): Uint8Array {
  if (typeof text !== "string" || !BASE64.test(text)) {
    throw new ModelFormatError(field, "expected canonical base64 (A–Z a–z 0–9 + /, padded with =)");
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function requireObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ModelFormatError(field, "expected an object");
  }
  return value as Record<string, unknown>;
}

function readLayer(value: unknown, index: number): Int8Layer {
  const at = `layers[${index}]`;
  const layer = requireObject(at, value);
  const inWidth = requireInteger(`${at}.inWidth`, layer.inWidth, 1, MAX_WIDTH);
  const outWidth = requireInteger(`${at}.outWidth`, layer.outWidth, 1, MAX_WIDTH);
  const weightBytes = decodeBase64(`${at}.weights`, layer.weights);
  if (weightBytes.length !== outWidth * inWidth) {
    throw new ModelFormatError(
      `${at}.weights`,
      `decodes to ${weightBytes.length} bytes, expected outWidth × inWidth = ${outWidth * inWidth}`,
    );
  }
  if (!Array.isArray(layer.biases)) throw new ModelFormatError(`${at}.biases`, "expected an array of int32");
  if (layer.biases.length !== outWidth) {
    throw new ModelFormatError(`${at}.biases`, `has ${layer.biases.length} values, expected outWidth = ${outWidth}`);
  }
  const biases = Int32Array.from(layer.biases, (bias, j) => requireInteger(`${at}.biases[${j}]`, bias, -(2 ** 31), 2 ** 31 - 1));
  return {
    inWidth,
    outWidth,
    weights: new Int8Array(weightBytes.buffer),
    biases,
    multiplier: layer.multiplier as number,
    shift: layer.shift as number,
    relu: layer.relu as boolean,
  };
}

/** Reads a model file (its text or its parsed JSON); throws ModelFormatError naming the field at fault. */
export function parseModel(source: string | unknown): Int8Model {
  let json: unknown = source;
  if (typeof source === "string") {
    try {
      json = JSON.parse(source);
    } catch (error) {
      throw new ModelFormatError("(file)", `not JSON: ${(error as Error).message}`);
    }
  }
  const file = requireObject("(file)", json);
  if (file.format !== MODEL_FORMAT) {
    throw new ModelFormatError("format", `expected "${MODEL_FORMAT}", got ${JSON.stringify(file.format)}`);
  }
  if (file.version !== MODEL_FORMAT_VERSION) {
    throw new ModelFormatError("version", `unsupported version ${JSON.stringify(file.version)}; this runtime reads version ${MODEL_FORMAT_VERSION}`);
  }
  if (file.profile !== PROFILE) {
    throw new ModelFormatError("profile", `expected "${PROFILE}", got ${JSON.stringify(file.profile)}`);
  }
  if (!Array.isArray(file.layers) || file.layers.length === 0) {
    throw new ModelFormatError("layers", "expected a non-empty array");
  }
  const metadata = file.metadata === undefined ? {} : requireObject("metadata", file.metadata);
  if (typeof file.weightsRoot !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(file.weightsRoot)) {
    throw new ModelFormatError("weightsRoot", "expected 0x followed by 64 hex digits");
  }
  const traceLength = requireInteger("traceLength", file.traceLength, 1, Number.MAX_SAFE_INTEGER);

  const model = buildModel({
    inputWidth: file.inputWidth as number,
    layers: file.layers.map(readLayer),
    metadata,
  });
  if (traceLength !== model.traceLength) {
    throw new ModelFormatError("traceLength", `${traceLength} does not match the layers (Σ outWidth = ${model.traceLength})`);
  }
  if (file.weightsRoot.toLowerCase() !== model.weightsRoot) {
    throw new ModelFormatError("weightsRoot", `${file.weightsRoot} does not match the content (${model.weightsRoot})`);
  }
  return model;
}

/** The model as file text; `parseModel(serializeModel(m))` gives back the same model. */
export function serializeModel(model: Int8Model): string {
  const file = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    profile: PROFILE,
    inputWidth: model.inputWidth,
    layers: model.layers.map((layer) => ({
      inWidth: layer.inWidth,
      outWidth: layer.outWidth,
      weights: encodeBase64(new Uint8Array(layer.weights.buffer, layer.weights.byteOffset, layer.weights.length)),
      biases: Array.from(layer.biases),
      multiplier: layer.multiplier,
      shift: layer.shift,
      relu: layer.relu,
    })),
    weightsRoot: model.weightsRoot,
    traceLength: model.traceLength,
    metadata: model.metadata,
  };
  return JSON.stringify(file, null, 2) + "\n";
}
