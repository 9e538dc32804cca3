// The reference neuron, written as plainly as docs/int8-mlp-profile.md ("One neuron") states
// it, in BigInt. It is the yardstick the fast kernel is tested against, not a hot path.

/** y = relu?(clamp(round_half_up((b + Σ w·x) · M / 2^S), −128, 127)) */
export function neuronStep(
  weights: ArrayLike<number>,
  input: ArrayLike<number>,
  bias: number,
  multiplier: number,
  shift: number,
  relu: boolean,
): number {
  if (weights.length !== input.length) {
    throw new RangeError(`neuron has ${weights.length} weights but the input has ${input.length} values`);
  }
  let acc = BigInt(bias);
  for (let i = 0; i < weights.length; i++) acc += BigInt(weights[i]) * BigInt(input[i]);
  const prod = acc * BigInt(multiplier);
  // BigInt ">>" is the arithmetic shift, floor(v / 2^S), as the spec requires.
  const q = shift === 0 ? prod : (prod + (1n << BigInt(shift - 1))) >> BigInt(shift);
  let y = q > 127n ? 127 : q < -128n ? -128 : Number(q);
  if (relu && y < 0) y = 0;
  return y;
}
