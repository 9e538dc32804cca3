import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The whole vinfer system on a local chain: a mintable test stake token, the ledger with the model
 * registry and stake manager it deploys, the committee resolver and the bisection resolver, both
 * approved by governance (the deployer) so that models may name them.
 *
 * Local parameters are short enough for a demo yet keep the protocol's safety relations:
 * unbondingDelay > maxChallengeWindow + maxDisputeDuration and dataAnswerWindow ≤ maxDisputeDuration
 * (the ledger's constructor enforces both).
 */
export default buildModule("Vinfer", (m) => {
  const deployer = m.getAccount(0);

  const config = {
    minChallengeWindow: m.getParameter("minChallengeWindow", 10), // seconds
    maxChallengeWindow: m.getParameter("maxChallengeWindow", 7 * 24 * 3600),
    maxDisputeDuration: m.getParameter("maxDisputeDuration", 3 * 24 * 3600),
    // A challenge commit must be revealed within this (and inside the commitment's window).
    revealWindow: m.getParameter("revealWindow", 300),
    // An operator must publish a demanded input within this.
    dataAnswerWindow: m.getParameter("dataAnswerWindow", 3600),
    unbondingDelay: m.getParameter("unbondingDelay", 11 * 24 * 3600),
    challengerRewardBps: m.getParameter("challengerRewardBps", 5_000), // half the slashed bond
    challengerBurnBps: m.getParameter("challengerBurnBps", 1_000), // a tenth of a losing or unproven bond
    // Posted with every challenge commit and the bond of a data demand: 1 token of 18 decimals.
    challengeDeposit: m.getParameter("challengeDeposit", 10n ** 18n),
    stakeToken: m.contract("TestToken"),
    treasury: m.getParameter("treasury", deployer),
    // Locally the deployer governs, so the module can approve the resolvers; a production deployment names its
    // governance (a multisig) and approves resolvers from it.
    governance: deployer,
  };
  // Local committee: accounts 5, 6 and 7 of the dev chain.
  const arbiters = [m.getAccount(5), m.getAccount(6), m.getAccount(7)];
  const committeeThreshold = m.getParameter("committeeThreshold", 2);
  const votingPeriod = m.getParameter("votingPeriod", 3600);
  // Each bisection move must come within this; a whole game is bounded by 41 moves (traces up to 2^20 steps).
  const moveTimeout = m.getParameter("moveTimeout", 3600);

  const token = config.stakeToken;
  const ledger = m.contract("InferenceLedger", [config]);
  // The ledger deploys the registry and the stake manager it alone talks to.
  const registry = m.contractAt("ModelRegistry", m.staticCall(ledger, "registry"));
  const stakeManager = m.contractAt("StakeManager", m.staticCall(ledger, "stakeManager"));
  const committeeResolver = m.contract("CommitteeResolver", [ledger, arbiters, committeeThreshold, votingPeriod]);
  const bisectionResolver = m.contract("BisectionResolver", [ledger, moveTimeout]);
  // Models may name only resolvers governance approved for this ledger.
  m.call(registry, "approveResolver", [committeeResolver], { id: "approveCommitteeResolver", from: deployer });
  m.call(registry, "approveResolver", [bisectionResolver], { id: "approveBisectionResolver", from: deployer });

  return { token, registry, stakeManager, ledger, committeeResolver, bisectionResolver };
});
