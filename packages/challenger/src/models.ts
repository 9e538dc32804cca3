// Which registered models the daemon can re-execute: a model file whose weightsRoot, profile and trace length
// are the registered ones, judged by a bisection resolver (the only kind whose game it can play).
import { readFileSync } from "node:fs";
import { bisectionResolverAbi } from "@vinfer/abis";
import { parseModel, profileHash } from "@vinfer/runtime";
import type { Int8Model } from "@vinfer/runtime";
import { getModel, VinferContractError, type GetModelReturnType } from "@vinfer/sdk";
import type { Abi, Address, Hex } from "viem";
import { view, type Chain } from "./chain.ts";
import type { Logger } from "./log.ts";
import type { Store } from "./store.ts";

/** Reads every model file; throws naming the file that cannot be read. */
export function loadModels(paths: readonly string[]): Map<Hex, Int8Model> {
  const models = new Map<Hex, Int8Model>();
  for (const path of paths) {
    let model: Int8Model;
    try {
      model = parseModel(readFileSync(path, "utf8"));
    } catch (error) {
      throw new Error(`model file ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    models.set(model.weightsRoot.toLowerCase() as Hex, model);
  }
  return models;
}

const NO_FILE = "no model file with this weightsRoot";

export type ResolvedModel = { model: Int8Model; resolver: Address };

export class ModelBook {
  readonly files: Map<Hex, Int8Model>;
  readonly chain: Chain;
  readonly store: Store;
  readonly log: Logger;

  constructor(files: Map<Hex, Int8Model>, chain: Chain, store: Store, log: Logger) {
    this.files = files;
    this.chain = chain;
    this.store = store;
    this.log = log;
  }

  /**
   * The model file and resolver of `modelId`, or undefined when the daemon cannot check it. The answer is kept in
   * the store: a registered model never changes.
   */
  async resolve(modelId: Hex): Promise<ResolvedModel | undefined> {
    let row = this.store.getModel(modelId);
    // A model once without a file is looked at again when a file with its weightsRoot has been configured since.
    const fileAdded = row !== undefined && row.reason === NO_FILE && row.weightsRoot !== null && this.files.has(row.weightsRoot.toLowerCase() as Hex);
    if (row === undefined || fileAdded) {
      row = await this.lookUp(modelId);
      this.store.putModel(row);
      this.log(
        row.supported
          ? { event: "model.followed", modelId, weightsRoot: row.weightsRoot, resolver: row.resolver }
          : { event: "model.skipped", modelId, weightsRoot: row.weightsRoot, reason: row.reason },
      );
    }
    if (!row.supported || row.weightsRoot === null || row.resolver === null) return undefined;
    const model = this.files.get(row.weightsRoot.toLowerCase() as Hex);
    return model === undefined ? undefined : { model, resolver: row.resolver };
  }

  /** The model of an already supported id (from the store). */
  get(modelId: Hex): ResolvedModel | undefined {
    const row = this.store.getModel(modelId);
    if (row === undefined || !row.supported || row.weightsRoot === null || row.resolver === null) return undefined;
    const model = this.files.get(row.weightsRoot.toLowerCase() as Hex);
    return model === undefined ? undefined : { model, resolver: row.resolver };
  }

  private async lookUp(modelId: Hex) {
    let registered: GetModelReturnType;
    try {
      registered = await getModel(this.chain.public, { contracts: this.chain.contracts, modelId });
    } catch (error) {
      if (error instanceof VinferContractError && error.errorName === "RegistryModelNotFound") {
        return { modelId, weightsRoot: null, resolver: null, supported: false, reason: "not registered" };
      }
      throw error;
    }
    const { weightsRoot, traceLength, resolver } = registered;
    const base = { modelId, weightsRoot, resolver };
    const unsupported = (reason: string) => ({ ...base, supported: false, reason });
    const model = this.files.get(weightsRoot.toLowerCase() as Hex);
    if (model === undefined) return unsupported(NO_FILE);
    if (registered.profileHash.toLowerCase() !== profileHash.toLowerCase()) return unsupported("registered under another determinism profile");
    if (traceLength !== model.traceLength) return unsupported(`registered trace length ${traceLength}, the file has ${model.traceLength}`);
    // Only a bisection resolver's game can be played from a trace; it reports the profile it judges.
    try {
      const judged = await view<Hex>(this.chain, resolver, bisectionResolverAbi as Abi, "profileHash");
      if (judged.toLowerCase() !== profileHash.toLowerCase()) return unsupported("its resolver judges another profile");
    } catch {
      return unsupported("its resolver is not a bisection resolver");
    }
    return { ...base, supported: true, reason: null };
  }
}
