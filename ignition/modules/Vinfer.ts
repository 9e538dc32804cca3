import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The whole vinfer system on a local chain: a mintable test stake token, the ledger with the model
 * registry and stake manager it deploys, the committee resolver and the bisection resolver.
 *
 * Local parameters are short enough for a demo yet keep the protocol's safety relation:
 * unbondingDelay > maxChallengeWindow + maxDisputeDuration (the ledger's constructor enforces it).
 */
export default buildModule("Vinfer", (m) => {
  const deployer = m.getAccount(0);

  const minChallengeWindow = m.getParameter("minChallengeWindow", 10); // seconds
  const maxChallengeWindow = m.getParameter("maxChallengeWindow", 7 * 24 * 3600);
  const maxDisputeDuration = m.getParameter("maxDisputeDuration", 3 * 24 * 3600);
  const unbondingDelay = m.getParameter("unbondingDelay", 11 * 24 * 3600);
  const challengerRewardBps = m.getParameter("challengerRewardBps", 5_000); // half the slashed bond
  const challengerBurnBps = m.getParameter("challengerBurnBps", 1_000); // a tenth of a losing challenger's bond
  const treasury = m.getParameter("treasury", deployer);
  // Local committee: accounts 5, 6 and 7 of the dev chain.
  const arbiters = [m.getAccount(5), m.getAccount(6), m.getAccount(7)];
  const committeeThreshold = m.getParameter("committeeThreshold", 2);
  const votingPeriod = m.getParameter("votingPeriod", 3600);
  // Each bisection move must come within this; a whole game is bounded by 41 moves (traces up to 2^20 steps).
  const moveTimeout = m.getParameter("moveTimeout", 3600);

  const token = m.contract("TestToken");
  const ledger = m.contract("InferenceLedger", [
    minChallengeWindow,
    maxChallengeWindow,
    maxDisputeDuration,
    token,
    treasury,
    unbondingDelay,
    challengerRewardBps,
    challengerBurnBps,
  ]);
  // The ledger deploys the registry and the stake manager it alone talks to.
  const registry = m.contractAt("ModelRegistry", m.staticCall(ledger, "registry"));
  const stakeManager = m.contractAt("StakeManager", m.staticCall(ledger, "stakeManager"));
  const committeeResolver = m.contract("CommitteeResolver", [ledger, arbiters, committeeThreshold, votingPeriod]);
  const bisectionResolver = m.contract("BisectionResolver", [ledger, moveTimeout]);

  return { token, registry, stakeManager, ledger, committeeResolver, bisectionResolver };
});
