import { expect } from "chai";
import { InferenceLedger__factory, ModelRegistry__factory, StakeManager__factory } from "../../types/ethers-contracts/index.ts";
import { connection, leafOf, loadSystem, sampleInference } from "../helpers/system.ts";

// The ethers-v6 bindings generated at build time, driving the deployed system like an ethers user would.
describe("TypeChain bindings", () => {
  it("read and write the deployed ledger, registry and stake manager", async () => {
    const system = await loadSystem();
    const signer = await connection.ethers.getSigner(system.operator.account.address);
    const ledger = InferenceLedger__factory.connect(system.ledger.address, signer);
    const registry = ModelRegistry__factory.connect(system.registry.address, signer);
    const stakeManager = StakeManager__factory.connect(system.stakeManager.address, signer);

    const model = await registry.getModel(system.modelId);
    expect(model.spec.challengeWindow).to.equal(600n);

    const inference = sampleInference(7);
    const id = await ledger.computeCommitmentId(system.modelId, signer.address, leafOf(inference));
    const tx = await ledger.commit(system.modelId, inference.requestId, inference.inputHash, inference.outputHash);
    const receipt = await tx.wait();
    const event = receipt!.logs.map((log) => ledger.interface.parseLog(log)).find((parsed) => parsed?.name === "InferenceCommitted");
    expect(event!.args.commitmentId).to.equal(id);
    expect((await ledger.getCommitment(id)).status).to.equal(1n);
    expect(await ledger.bondReserveOf(signer.address)).to.equal((await stakeManager.stakeOf(signer.address)).locked - system.modelSpec.bondPerInference);
  });
});
