// The actions bound to one client and one deployment, in viem's decorator style:
//   const operator = walletClient.extend(vinferActions(contracts));
//   await operator.commitBatch({ modelId, inferences });
import type { Client } from "viem";
import type { VinferContracts } from "./contracts.ts";
import type { WriteClient } from "./internal/transact.ts";
import * as actions from "./actions/index.ts";

type Bound<F> = F extends (client: never, params: infer P) => infer R ? (params: Omit<P, "contracts">) => R : never;

export type VinferActions = { [K in keyof typeof actions]: Bound<(typeof actions)[K]> };

export function vinferActions(contracts: VinferContracts) {
  return (client: Client): VinferActions =>
    Object.fromEntries(
      Object.entries(actions).map(([name, action]) => [
        name,
        (params: object) => (action as (c: WriteClient, p: object) => unknown)(client as WriteClient, { ...params, contracts }),
      ]),
    ) as VinferActions;
}
