// Public API of @vinfer/sdk: the bisection game's strategy (pure) and its on-chain driver (viem).
export * from "./bisection/player.ts";
export * from "./bisection/play.ts";
export * from "./receipts.ts";
