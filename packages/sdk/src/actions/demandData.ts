import type { Hex } from "viem";
import { challengeCommitHash, randomSalt } from "../accusations/commitHash.ts";
import type { WriteClient } from "../internal/transact.ts";
import type { LeafTarget } from "./challenge.ts";
import { commitChallenge, type CommitChallengeReturnType } from "./commitChallenge.ts";
import { revealDataDemand, type RevealDataDemandReturnType } from "./revealDataDemand.ts";

export type DemandDataParameters = LeafTarget;
export type DemandDataReturnType = RevealDataDemandReturnType & {
  salt: Hex;
  commit: CommitChallengeReturnType;
};

/**
 * Demands that the input of inference `leafIndex` be published on chain: commits with the challenge deposit (the
 * demand's bond), then reveals (`InferenceLedger.demandData`).
 */
export async function demandData(client: WriteClient, params: DemandDataParameters): Promise<DemandDataReturnType> {
  const { contracts, commitmentId, leafIndex } = params;
  const salt = params.salt ?? randomSalt();
  const commitHash = challengeCommitHash({ challenger: client.account.address, commitmentId, leafIndex, salt });
  const committed = await commitChallenge(client, { contracts, commitHash });
  const revealed = await revealDataDemand(client, { ...params, salt });
  return { ...revealed, salt, commit: committed };
}
