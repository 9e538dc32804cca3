import type { Hex } from "viem";

/** One committed inference: the ledger's `Inference` struct, the preimage of its Merkle leaf. */
export type Inference = { requestId: Hex; inputHash: Hex; outputHash: Hex };
