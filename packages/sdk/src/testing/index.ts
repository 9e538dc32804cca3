// @vinfer/sdk/testing: helpers for tests, benchmarks and the demo (fault injection, waiting on raw writes).
// Not the public API: nothing here is needed to run an operator, a challenger or a dApp.
export { faultyTrace, statesClaimingOutput } from "./faults.ts";
export { playerWithStates } from "../bisection/player.ts";
export { confirmed } from "./confirmed.ts";
