// A hand-assembled WebAssembly module with one function, `dense`, that computes a whole layer
// of the profile on int16-widened int8 values with SIMD dot products (i32x4.dot_i16x8_s does
// eight multiply-adds per instruction). Requantization runs in i64, so acc·M (|acc·M| < 2^63
// for every model the profile admits) is always exact: the kernel needs no slow fallback.
//
// dense(x, w, bias, y, inPadded, outWidth, multiplier, shift, relu), pointers are byte offsets:
//   x     inPadded int16 inputs (zero beyond the real width), 16-byte aligned
//   w     outWidth rows of inPadded int16 weights (zero padded), 16-byte aligned
//   bias  outWidth int32 biases
//   y     receives outWidth int16 outputs, already clamped to the int8 range
//   inPadded is a multiple of 8. For each neuron j:
//     acc  = bias[j] + Σ w[j][i]·x[i]                      (i32 lanes, |Σ| ≤ 4096·2^14 = 2^26)
//     prod = i64(acc) · i64(multiplier)
//     q    = (prod >>s S) + bit S−1 of prod                 = floor((prod + 2^(S−1)) / 2^S)
//     y[j] = clamp(q, relu ? 0 : −128, 127)               (clamp then ReLU = clamp at 0)
// "bit S−1 of prod" is read as ((prod << 1) >>u S) & 1, which is 0 for S = 0 and never
// overflows, where prod + 2^(S−1) could for S = 63.

// The encoding helpers below are shared with the batched kernel (wasm-batch.ts).
export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;

export const op = {
  block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d, select: 0x1b, void: 0x40,
  localGet: 0x20, localSet: 0x21,
  i32Load: 0x28, i32Store8: 0x3a, i32Store16: 0x3b, i32Const: 0x41, i64Const: 0x42,
  i32Ne: 0x47, i32LtU: 0x49, i32LeS: 0x4c, i32GeU: 0x4f, i64LtS: 0x53, i64GtS: 0x55,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32Shl: 0x74,
  i64Add: 0x7c, i64Mul: 0x7e, i64And: 0x83, i64Shl: 0x86, i64ShrS: 0x87, i64ShrU: 0x88,
  i32WrapI64: 0xa7, i64ExtendI32S: 0xac, i64ExtendI32U: 0xad,
  simd: 0xfd,
} as const;

// SIMD instructions are 0xfd followed by a LEB128 sub-opcode.
export const simd = {
  v128Load: [op.simd, 0x00],
  v128Load8x8S: [op.simd, 0x01], // 8 int8 → 8 sign-extended int16
  v128Const: [op.simd, 0x0c],
  i32x4ExtractLane: [op.simd, 0x1b],
  v128Or: [op.simd, 0x50],
  i8x16Bitmask: [op.simd, 0x64],
  i32x4Add: [op.simd, 0xae, 0x01], // 174
  i32x4DotI16x8S: [op.simd, 0xba, 0x01], // 186
  i32x4RelaxedDotI8x16I7x16AddS: [op.simd, 0x93, 0x02], // 0x113, relaxed SIMD
} as const;

export function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

export function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

/** A vector: its length, then its items. Sections and function bodies are byte vectors. */
export function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

export function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}

// Parameters, then locals, by index.
const X = 0, W = 1, BIAS = 2, Y = 3, IN_PADDED = 4, OUT_WIDTH = 5, MULTIPLIER = 6, SHIFT = 7, RELU = 8;
const NEURON = 9, OFFSET = 10, ROW_BYTES = 11; // i32
const ACC = 12; // v128
const PROD = 13, Q = 14, LOW = 15, SHIFT64 = 16; // i64

// Instruction builders both kernels (this one and wasm-batch.ts) emit with.
export const get = (local: number) => [op.localGet, ...unsignedLeb(local)];
export const set = (local: number) => [op.localSet, ...unsignedLeb(local)];
export const i32 = (value: number) => [op.i32Const, ...signedLeb(value)];
export const i64 = (value: number) => [op.i64Const, ...signedLeb(value)];
export const memarg = (alignLog2: number, offset = 0) => [alignLog2, ...unsignedLeb(offset)];

/** Σ of the four i32 lanes of the v128 local `acc`, left on the stack as an i32. */
export const sumLanes = (acc: number) => [
  ...get(acc), ...simd.i32x4ExtractLane, 0,
  ...get(acc), ...simd.i32x4ExtractLane, 1, op.i32Add,
  ...get(acc), ...simd.i32x4ExtractLane, 2, op.i32Add,
  ...get(acc), ...simd.i32x4ExtractLane, 3, op.i32Add,
];

/**
 * The requantization both kernels emit, so that their outputs are bit-identical: from the i64 product in local
 * `prod`, q = (prod >>s S) + bit S−1 of prod, clamped to [low, 127], into local `q` (`shift` holds S as an i64).
 */
export const requantize = ({ prod, shift, q, low }: { prod: number; shift: number; q: number; low: number }) => [
  // q = (prod >>s S) + (((prod << 1) >>u S) & 1)
  ...get(prod), ...get(shift), op.i64ShrS,
  ...get(prod), ...i64(1), op.i64Shl, ...get(shift), op.i64ShrU, ...i64(1), op.i64And,
  op.i64Add,
  ...set(q),
  // q = min(q, 127); q = max(q, low)
  ...i64(127), ...get(q), ...get(q), ...i64(127), op.i64GtS, op.select, ...set(q),
  ...get(low), ...get(q), ...get(q), ...get(low), op.i64LtS, op.select, ...set(q),
];

const body: number[] = [
  // locals: 3 × i32, 1 × v128, 4 × i64
  ...vector([[3, I32], [1, V128], [4, I64]]),

  ...get(IN_PADDED), ...i32(1), op.i32Shl, ...set(ROW_BYTES),
  ...i64(0), ...i64(-128), ...get(RELU), op.select, ...set(LOW),
  ...get(SHIFT), op.i64ExtendI32U, ...set(SHIFT64),

  op.block, op.void,
  op.loop, op.void, // for each neuron
  ...get(NEURON), ...get(OUT_WIDTH), op.i32GeU, op.brIf, 1,

  ...simd.v128Const, ...new Array(16).fill(0), ...set(ACC),
  ...i32(0), ...set(OFFSET),
  op.block, op.void,
  op.loop, op.void, // for each group of 8 inputs
  ...get(OFFSET), ...get(ROW_BYTES), op.i32GeU, op.brIf, 1,
  ...get(ACC),
  ...get(X), ...get(OFFSET), op.i32Add, ...simd.v128Load, ...memarg(4),
  ...get(W), ...get(OFFSET), op.i32Add, ...simd.v128Load, ...memarg(4),
  ...simd.i32x4DotI16x8S,
  ...simd.i32x4Add,
  ...set(ACC),
  ...get(OFFSET), ...i32(16), op.i32Add, ...set(OFFSET),
  op.br, 0,
  op.end,
  op.end,

  // prod = (i64(Σ lanes) + i64(bias[j])) · multiplier
  ...sumLanes(ACC),
  op.i64ExtendI32S,
  ...get(BIAS), ...get(NEURON), ...i32(2), op.i32Shl, op.i32Add, op.i32Load, ...memarg(2), op.i64ExtendI32S,
  op.i64Add,
  ...get(MULTIPLIER), op.i64ExtendI32U,
  op.i64Mul,
  ...set(PROD),
  ...requantize({ prod: PROD, shift: SHIFT64, q: Q, low: LOW }),

  // y[j] = q
  ...get(Y), ...get(NEURON), ...i32(1), op.i32Shl, op.i32Add, ...get(Q), op.i32WrapI64, op.i32Store16, ...memarg(1),

  ...get(W), ...get(ROW_BYTES), op.i32Add, ...set(W),
  ...get(NEURON), ...i32(1), op.i32Add, ...set(NEURON),
  op.br, 0,
  op.end,
  op.end,
  op.end, // function
];

export const name = (text: string) => vector([...text].map((c) => [c.charCodeAt(0)]));

export const denseModuleBytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  ...section(1, vector([[0x60, ...vector(new Array(9).fill([I32])), ...vector([])]])), // type 0: (i32 × 9) → ()
  ...section(3, vector([[0]])), // function 0 has type 0
  ...section(5, vector([[0x00, 1]])), // one memory, at least 1 page, no maximum
  ...section(7, vector([[...name("memory"), 0x02, 0], [...name("dense"), 0x00, 0]])),
  ...section(10, vector([[...unsignedLeb(body.length), ...body]])),
]);

export type DenseExports = {
  memory: WebAssembly.Memory;
  dense(
    x: number, w: number, bias: number, y: number,
    inPadded: number, outWidth: number, multiplier: number, shift: number, relu: number,
  ): void;
};

let compiled: WebAssembly.Module | undefined;

/** A fresh instance (with its own memory) of the dense-layer kernel. */
export function instantiateDense(): DenseExports {
  if (compiled === undefined) {
    if (!WebAssembly.validate(denseModuleBytes)) {
      throw new Error("this JavaScript engine lacks WebAssembly SIMD (i32x4.dot_i16x8_s), which the int8 runtime needs");
    }
    compiled = new WebAssembly.Module(denseModuleBytes);
  }
  return new WebAssembly.Instance(compiled).exports as unknown as DenseExports;
}
