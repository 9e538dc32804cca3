export * from "./generated.ts";
export { deployments } from "./deployments.ts";
