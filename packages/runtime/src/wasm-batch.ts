// The batched counterpart of wasm.ts: `denseBatch` computes a whole layer for many inputs at
// once. It works on tiles of TILE_INPUTS inputs × TILE_ROWS neurons: each group of weights is
// loaded once and used for every input of the tile, each group of inputs once for every neuron
// of the tile, so a tile does TILE_INPUTS × TILE_ROWS dot products per TILE_INPUTS + TILE_ROWS
// loads (the single-input kernel does one per two loads). Values stay int8 in memory.
// Requantization is the single-input kernel's, in i64, so the outputs are bit-identical:
//   acc  = bias[j] + Σ w[j][i]·x[i]
//   q    = (prod >>s S) + bit S−1 of prod,  prod = acc · M
//   y[j] = clamp(q, relu ? 0 : −128, 127)
//
// Two variants compute acc, with the same parameters and the same result:
// - denseBatch, for any input: 8 values at a time, sign-extended to int16 as they are loaded
//   (v128.load8x8_s), multiplied and pairwise added by i32x4.dot_i16x8_s.
// - denseBatchNonNegative, for inputs in 0..127 only: 16 values at a time with
//   i32x4.relaxed_dot_i8x16_i7x16_add_s (relaxed SIMD, WebAssembly 3.0), one instruction for 16
//   multiply-adds (vpdpbusd on x86 with VNNI, sdot on Arm). The instruction is "relaxed" only
//   when a lane of its second operand (here the input) has its top bit set, or when a pair of
//   products overflows int16; with inputs in 0..127, |w·x + w'·x'| ≤ 2·128·127 = 32512, so
//   every engine computes the exact sum. Outputs of a ReLU layer are in 0..127 by definition;
//   `hasNegative` tells whether a batch of model inputs is too.
// Engines without relaxed SIMD get the module without denseBatchNonNegative.
//
// denseBatch(x, w, bias, y, inPadded, rows, multiplier, shift, relu, count, yStride), pointers
// are byte offsets:
//   x        count rows of inPadded int8 inputs, one after the other
//   w        rows rows of inPadded int8 weights; columns past the layer's inWidth are 0, so
//            whatever the inputs hold there adds nothing
//   bias     rows int32 biases
//   y        receives count rows of int8 outputs, yStride bytes apart (rows ≤ yStride)
//   inPadded is a multiple of 16, rows of TILE_ROWS and count of TILE_INPUTS (the caller pads
//   with zero neurons and spare inputs whose outputs it ignores).
// hasNegative(p, bytes) is 1 if one of `bytes` (a multiple of 16) int8 values at p is < 0, else 0.
import { get, I32, i32, I64, i64, memarg, name, op, requantize, section, set, simd, sumLanes, unsignedLeb, V128, vector } from "./wasm.ts";

/** Inputs (and weights) per SIMD group of either variant: widths are padded to a multiple of it. */
export const GROUP = 16;
export const TILE_INPUTS = 4;
export const TILE_ROWS = 2; // must divide GROUP, so padding neurons fit in a padded output row

// Parameters, then locals, by index.
const X = 0, W = 1, BIAS = 2, Y = 3, IN_PADDED = 4, ROWS = 5, MULTIPLIER = 6, SHIFT = 7, RELU = 8, COUNT = 9,
  Y_STRIDE = 10;
const PARAMS = 11;
const I32_LOCALS = ["input", "row", "offset", "xTile", "yTile", "wTile", "xStep", "yStep", "wStep"] as const;
const i32Local = (key: (typeof I32_LOCALS)[number]) => PARAMS + I32_LOCALS.indexOf(key);
const INPUT = i32Local("input"), ROW = i32Local("row"), OFFSET = i32Local("offset");
const X_TILE = i32Local("xTile"), Y_TILE = i32Local("yTile"), W_TILE = i32Local("wTile");
const X_STEP = i32Local("xStep"), Y_STEP = i32Local("yStep"), W_STEP = i32Local("wStep");
let next = PARAMS + I32_LOCALS.length;
const range = (count: number) => Array.from({ length: count }, () => next++);
const X_PTR = range(TILE_INPUTS); // i32: start of each input row of the tile
const W_PTR = range(TILE_ROWS); // i32: start of each weight row of the tile
const Y_PTR = range(TILE_INPUTS); // i32: start of each output row of the tile
const I32_COUNT = next - PARAMS;
const ACC = range(TILE_INPUTS * TILE_ROWS); // v128: ACC[t * TILE_ROWS + r]
const X_VEC = range(TILE_INPUTS); // v128
const W_VEC = range(TILE_ROWS); // v128
const V128_COUNT = next - PARAMS - I32_COUNT;
const PROD = next++, Q = next++, LOW = next++, SHIFT64 = next++;
const BIAS64 = range(TILE_ROWS); // i64
const I64_COUNT = 4 + TILE_ROWS;

const add = (a: number[], b: number[]) => [...a, ...b, op.i32Add];
const tiles = <T>(count: number, f: (k: number) => T[]): T[] => Array.from({ length: count }, (_, k) => f(k)).flat();

/** Requantizes ACC[t][r] and stores it at y row t, column row + r. */
function requantizeAndStore(t: number, r: number): number[] {
  const acc = ACC[t * TILE_ROWS + r];
  return [
    // prod = (i64(Σ lanes) + i64(bias[row + r])) · multiplier
    ...sumLanes(acc),
    op.i64ExtendI32S,
    ...get(BIAS64[r]), op.i64Add,
    ...get(MULTIPLIER), op.i64ExtendI32U,
    op.i64Mul,
    ...set(PROD),
    ...requantize({ prod: PROD, shift: SHIFT64, q: Q, low: LOW }),
    // y[t][row + r] = q
    ...add(get(Y_PTR[t]), get(ROW)), ...get(Q), op.i32WrapI64, op.i32Store8, ...memarg(0, r),
  ];
}

/** The exact multiply-adds of one group of columns at OFFSET, into every accumulator of the tile. */
function groupExtended(): number[] {
  return [
    ...tiles(TILE_INPUTS, (t) => [...add(get(X_PTR[t]), get(OFFSET)), ...simd.v128Load8x8S, ...memarg(3), ...set(X_VEC[t])]),
    ...tiles(TILE_ROWS, (r) => [...add(get(W_PTR[r]), get(OFFSET)), ...simd.v128Load8x8S, ...memarg(3), ...set(W_VEC[r])]),
    ...tiles(TILE_INPUTS, (t) => tiles(TILE_ROWS, (r) => [
      ...get(ACC[t * TILE_ROWS + r]),
      ...get(X_VEC[t]), ...get(W_VEC[r]), ...simd.i32x4DotI16x8S,
      ...simd.i32x4Add,
      ...set(ACC[t * TILE_ROWS + r]),
    ])),
    ...add(get(OFFSET), i32(8)), ...set(OFFSET),
  ];
}

/** The same for inputs in 0..127, 16 columns per instruction. */
function groupNonNegative(): number[] {
  return [
    ...tiles(TILE_INPUTS, (t) => [...add(get(X_PTR[t]), get(OFFSET)), ...simd.v128Load, ...memarg(4), ...set(X_VEC[t])]),
    ...tiles(TILE_ROWS, (r) => [...add(get(W_PTR[r]), get(OFFSET)), ...simd.v128Load, ...memarg(4), ...set(W_VEC[r])]),
    ...tiles(TILE_INPUTS, (t) => tiles(TILE_ROWS, (r) => [
      // (a: weights, any int8; b: inputs, 0..127; c: accumulator)
      ...get(W_VEC[r]), ...get(X_VEC[t]), ...get(ACC[t * TILE_ROWS + r]), ...simd.i32x4RelaxedDotI8x16I7x16AddS,
      ...set(ACC[t * TILE_ROWS + r]),
    ])),
    ...add(get(OFFSET), i32(16)), ...set(OFFSET),
  ];
}

const denseBatchBody = (group: () => number[]): number[] => [
  ...vector([[I32_COUNT, I32], [V128_COUNT, V128], [I64_COUNT, I64]]),

  ...i64(0), ...i64(-128), ...get(RELU), op.select, ...set(LOW),
  ...get(SHIFT), op.i64ExtendI32U, ...set(SHIFT64),
  ...get(IN_PADDED), ...i32(TILE_INPUTS), op.i32Mul, ...set(X_STEP),
  ...get(Y_STRIDE), ...i32(TILE_INPUTS), op.i32Mul, ...set(Y_STEP),
  ...get(IN_PADDED), ...i32(TILE_ROWS), op.i32Mul, ...set(W_STEP),
  ...get(X), ...set(X_TILE),
  ...get(Y), ...set(Y_TILE),

  op.block, op.void,
  op.loop, op.void, // for each tile of inputs
  ...get(INPUT), ...get(COUNT), op.i32GeU, op.brIf, 1,
  ...tiles(TILE_INPUTS, (t) => [
    ...(t === 0 ? get(X_TILE) : add(get(X_PTR[t - 1]), get(IN_PADDED))), ...set(X_PTR[t]),
    ...(t === 0 ? get(Y_TILE) : add(get(Y_PTR[t - 1]), get(Y_STRIDE))), ...set(Y_PTR[t]),
  ]),
  ...get(W), ...set(W_TILE),
  ...i32(0), ...set(ROW),

  op.block, op.void,
  op.loop, op.void, // for each tile of neurons
  ...get(ROW), ...get(ROWS), op.i32GeU, op.brIf, 1,
  ...tiles(TILE_ROWS, (r) => [
    ...(r === 0 ? get(W_TILE) : add(get(W_PTR[r - 1]), get(IN_PADDED))), ...set(W_PTR[r]),
    // bias[row + r], read as bias + 4·row + 4r
    ...get(BIAS), ...get(ROW), ...i32(2), op.i32Shl, op.i32Add, op.i32Load, ...memarg(2, 4 * r), op.i64ExtendI32S,
    ...set(BIAS64[r]),
  ]),
  ...tiles(TILE_INPUTS * TILE_ROWS, (k) => [...simd.v128Const, ...new Array(16).fill(0), ...set(ACC[k])]),
  ...i32(0), ...set(OFFSET),

  op.loop, op.void, // for each group of columns (inPadded ≥ 16, so at least once)
  ...group(),
  ...get(OFFSET), ...get(IN_PADDED), op.i32LtU, op.brIf, 0,
  op.end,

  ...tiles(TILE_INPUTS, (t) => tiles(TILE_ROWS, (r) => requantizeAndStore(t, r))),

  ...add(get(W_TILE), get(W_STEP)), ...set(W_TILE),
  ...add(get(ROW), i32(TILE_ROWS)), ...set(ROW),
  op.br, 0,
  op.end,
  op.end,

  ...add(get(X_TILE), get(X_STEP)), ...set(X_TILE),
  ...add(get(Y_TILE), get(Y_STEP)), ...set(Y_TILE),
  ...add(get(INPUT), i32(TILE_INPUTS)), ...set(INPUT),
  op.br, 0,
  op.end,
  op.end,
  op.end, // function
];

// hasNegative(p, bytes): OR every 16-byte group together, then look at the sign bits.
const P = 0, BYTES = 1, ANY = 2;
const hasNegativeBody: number[] = [
  ...vector([[1, V128]]),
  op.block, op.void,
  op.loop, op.void,
  ...get(BYTES), ...i32(0), op.i32LeS, op.brIf, 1,
  ...get(ANY), ...get(P), ...simd.v128Load, ...memarg(4), ...simd.v128Or, ...set(ANY),
  ...add(get(P), i32(16)), ...set(P),
  ...get(BYTES), ...i32(16), op.i32Sub, ...set(BYTES),
  op.br, 0,
  op.end,
  op.end,
  ...get(ANY), ...simd.i8x16Bitmask, ...i32(0), op.i32Ne,
  op.end, // function
];

/** The module, with denseBatchNonNegative (function 2) when `relaxed`. */
function moduleBytes(relaxed: boolean): Uint8Array<ArrayBuffer> {
  const functions: [type: number, exportName: string, body: number[]][] = [
    [0, "denseBatch", denseBatchBody(groupExtended)],
    [1, "hasNegative", hasNegativeBody],
  ];
  if (relaxed) functions.push([0, "denseBatchNonNegative", denseBatchBody(groupNonNegative)]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vector([
      [0x60, ...vector(new Array(PARAMS).fill([I32])), ...vector([])], // type 0: (i32 × 11) → ()
      [0x60, ...vector([[I32], [I32]]), ...vector([[I32]])], // type 1: (i32, i32) → i32
    ])),
    ...section(3, vector(functions.map(([type]) => [type]))),
    ...section(5, vector([[0x00, 1]])), // one memory, at least 1 page, no maximum
    ...section(7, vector([
      [...name("memory"), 0x02, 0],
      ...functions.map(([, exportName], index) => [...name(exportName), 0x00, index]),
    ])),
    ...section(10, vector(functions.map(([, , body]) => [...unsignedLeb(body.length), ...body]))),
  ]);
}

type DenseBatch = (
  x: number, w: number, bias: number, y: number, inPadded: number, rows: number,
  multiplier: number, shift: number, relu: number, count: number, yStride: number,
) => void;

export type DenseBatchExports = {
  memory: WebAssembly.Memory;
  denseBatch: DenseBatch;
  /** Absent where the engine lacks relaxed SIMD. */
  denseBatchNonNegative?: DenseBatch;
  hasNegative(p: number, bytes: number): number;
};

let compiled: WebAssembly.Module | undefined;

/** A fresh instance (with its own memory) of the batched dense-layer kernels. */
export function instantiateDenseBatch(): DenseBatchExports {
  if (compiled === undefined) {
    const withRelaxed = moduleBytes(true);
    const plain = moduleBytes(false);
    if (WebAssembly.validate(withRelaxed)) compiled = new WebAssembly.Module(withRelaxed);
    else if (WebAssembly.validate(plain)) compiled = new WebAssembly.Module(plain);
    else throw new Error("this JavaScript engine lacks WebAssembly SIMD (i32x4.dot_i16x8_s), which the int8 runtime needs");
  }
  return new WebAssembly.Instance(compiled).exports as unknown as DenseBatchExports;
}
