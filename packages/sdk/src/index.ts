// Public API of @vinfer/sdk: the bisection game's strategy (pure) and its on-chain driver (viem), and
// commit-reveal accusations (disputes and data demands).
export * from "./bisection/player.ts";
export * from "./bisection/play.ts";
export * from "./receipts.ts";
export * from "./accusations/commitHash.ts";
export * from "./accusations/accuse.ts";
