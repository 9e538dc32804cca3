// Public API of @vinfer/runtime, the TypeScript implementation of docs/int8-mlp-profile.md:
// what a client, an operator or a verifier needs. Training and evaluating a model (float to
// int8 quantization, the MNIST split, the seeded PRNG) is in @vinfer/runtime/training.
export type { Hex } from "viem";
export { PROFILE, profileHash, EMPTY_VECTOR_HASH, vectorHash, stateHash, neuronLeafData, neuronLeaf } from "./hash.ts";
export type { NeuronLeafFields } from "./hash.ts";
export { merkleRoot, merkleProof, merkleLevels, merkleProofFromLevels, merkleRootFromProof, verifyMerkleProof, inferenceLeaf } from "./merkle.ts";
export { MAX_WIDTH, MAX_MULTIPLIER, MAX_SHIFT, ModelFormatError, buildModel, neuronLeafFields, weightsTree } from "./model.ts";
export type { Int8Layer, Int8Model, Int8ModelSpec } from "./model.ts";
export { MODEL_FORMAT, MODEL_FORMAT_VERSION, parseModel, serializeModel } from "./file.ts";
export { neuronStep } from "./neuron.ts";
export { infer, forward, argmax } from "./infer.ts";
export { inferBatch } from "./batch.ts";
export { trace, stepWitness, stepPosition } from "./trace.ts";
export type { Trace, StepWitness } from "./trace.ts";
export { INPUT_SCALE, quantizeInput } from "./quantize.ts";
