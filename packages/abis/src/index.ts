export * from "./generated.ts";
export { deployments } from "./deployments.ts";
export type { Deployment } from "./deployments.ts";
