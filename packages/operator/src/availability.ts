// Answers data demands on the operator's commitments: publishes the demanded input on chain (it hashes to the
// committed input hash, so only the stored input does), then collects the demander's deposit.
import { DataDemandStatus } from "@vinfer/abis";
import { collectDataDemand, dataDemandKey, publishInput } from "@vinfer/sdk";
import type { Context } from "./context.ts";
import { errorText } from "./log.ts";
import type { DemandRow } from "./store.ts";

export type Availability = { tick(isRunning: () => boolean): Promise<void> };

export function createAvailability(ctx: Context): Availability {
  const { store, chain, log } = ctx;
  const reported = new Set<bigint>();

  /** Brings the stored demand in line with the chain's record of it; true when it changed. */
  async function sync(d: DemandRow): Promise<boolean> {
    const status = await chain.dataDemandStatus(dataDemandKey(d.demandId, d.commitmentId, BigInt(d.leafIndex), d.inputHash));
    const state =
      status === DataDemandStatus.Answered
        ? "answered"
        : status === DataDemandStatus.Collected
          ? "collected"
          : status === DataDemandStatus.Withheld
            ? "withheld"
            : "open";
    if (state === d.status) return false;
    store.setDemandStatus(d.demandId, state);
    return true;
  }

  async function answer(d: DemandRow): Promise<void> {
    const batch = store.batchByCommitment(d.commitmentId);
    const request = batch === undefined ? undefined : store.batchRequest(batch.id, d.leafIndex);
    if (request === undefined || request.inputHash !== d.inputHash) {
      if (!reported.has(d.demandId)) log.error("data_demand_without_record", { demandId: d.demandId, commitmentId: d.commitmentId, leafIndex: d.leafIndex });
      reported.add(d.demandId);
      return;
    }
    if (d.status === "open") {
      try {
        const result = await publishInput(chain.walletClient, {
          contracts: chain.contracts,
          demandId: d.demandId,
          commitmentId: d.commitmentId,
          leafIndex: BigInt(d.leafIndex),
          input: request.input,
        });
        ctx.recordTransaction("publishInput", result);
        store.setDemandStatus(d.demandId, "answered");
        log.info("input_published", { demandId: d.demandId, commitmentId: d.commitmentId, leafIndex: d.leafIndex, txHash: result.hash, gasUsed: result.receipt.gasUsed });
      } catch (error) {
        if (await sync(d)) return;
        throw error;
      }
    }
    try {
      const result = await collectDataDemand(chain.walletClient, {
        contracts: chain.contracts,
        demandId: d.demandId,
        commitmentId: d.commitmentId,
        leafIndex: BigInt(d.leafIndex),
        inputHash: d.inputHash,
      });
      ctx.recordTransaction("collectDataDemand", result);
      store.setDemandStatus(d.demandId, "collected");
      log.info("data_demand_collected", { demandId: d.demandId, txHash: result.hash });
    } catch (error) {
      if (await sync({ ...d, status: "answered" })) return;
      throw error;
    }
  }

  async function tick(isRunning: () => boolean): Promise<void> {
    for (const d of store.pendingDemands()) {
      if (!isRunning()) return;
      try {
        await answer(d);
      } catch (error) {
        log.error("data_demand_failed", { demandId: d.demandId, error: errorText(error) });
      }
    }
  }

  return { tick };
}
