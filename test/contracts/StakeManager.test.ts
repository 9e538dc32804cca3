import { expect } from "chai";
import { parseEther, zeroAddress } from "viem";
import { INITIAL_RESERVE, INITIAL_STAKE, loadSystem, networkHelpers, now, viem, type System } from "../helpers/system.ts";

describe("StakeManager", () => {
  let system: System;
  beforeEach(async () => {
    system = await loadSystem();
  });

  it("is bound to the ledger that deployed it, with the configured token, treasury and delay", async () => {
    const { stakeManager, ledger, token, deployer } = system;
    expect((await stakeManager.read.ledger()).toLowerCase()).to.equal(ledger.address.toLowerCase());
    expect((await stakeManager.read.token()).toLowerCase()).to.equal(token.address.toLowerCase());
    expect((await stakeManager.read.treasury()).toLowerCase()).to.equal(deployer.account.address.toLowerCase());
    expect(await stakeManager.read.unbondingDelay()).to.equal(11n * 24n * 3600n);
  });

  it("credits deposits to the depositor or to a named operator", async () => {
    const { stakeManager, token, operator, stranger } = system;
    const free = INITIAL_STAKE - INITIAL_RESERVE; // the fixture locked the rest into the bond reserve
    expect(await stakeManager.read.stakeOf([operator.account.address])).to.deep.equal({ free, locked: INITIAL_RESERVE });
    await viem.assertions.emitWithArgs(
      stakeManager.write.depositFor([operator.account.address, 7n], { account: stranger.account }),
      stakeManager,
      "Deposited",
      [operator.account.address, stranger.account.address, 7n] as never,
    );
    expect((await stakeManager.read.stakeOf([operator.account.address])).free).to.equal(free + 7n);
    expect(await token.read.balanceOf([stakeManager.address])).to.equal(2n * INITIAL_STAKE + 7n);
    await viem.assertions.revertWithCustomError(stakeManager.write.deposit([0n], { account: operator.account }), stakeManager, "StakeZeroAmount");
  });

  it("unbonds withdrawals for exactly the delay, then pays once", async () => {
    const { stakeManager, token, operator } = system;
    const amount = parseEther("100");
    await stakeManager.write.requestWithdrawal([amount], { account: operator.account });
    const readyAt = (await now()) + (await stakeManager.read.unbondingDelay());
    expect(await stakeManager.read.withdrawalOf([operator.account.address])).to.deep.equal({ amount, readyAt });
    expect((await stakeManager.read.stakeOf([operator.account.address])).free).to.equal(INITIAL_STAKE - INITIAL_RESERVE - amount);

    await networkHelpers.time.setNextBlockTimestamp(readyAt - 1n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      stakeManager.write.completeWithdrawal({ account: operator.account }),
      stakeManager,
      "StakeWithdrawalNotReady",
      [operator.account.address, readyAt] as never,
    );
    await networkHelpers.time.setNextBlockTimestamp(readyAt);
    await viem.assertions.emitWithArgs(stakeManager.write.completeWithdrawal({ account: operator.account }), stakeManager, "Withdrawn", [
      operator.account.address,
      amount,
    ] as never);
    expect(await token.read.balanceOf([operator.account.address])).to.equal(INITIAL_STAKE * 9n + amount);
    await viem.assertions.revertWithCustomError(stakeManager.write.completeWithdrawal({ account: operator.account }), stakeManager, "StakeNoWithdrawal");
  });

  it("restarts the delay when more is requested, and cancels back to free stake", async () => {
    const { stakeManager, operator } = system;
    await stakeManager.write.requestWithdrawal([10n], { account: operator.account });
    await networkHelpers.time.increase(3600);
    await viem.assertions.emitWithArgs(
      stakeManager.write.requestWithdrawal([5n], { account: operator.account }),
      stakeManager,
      "WithdrawalRequested",
      [operator.account.address, 5n, 15n, (readyAt: bigint) => readyAt > 0n] as never,
    );
    const pending = await stakeManager.read.withdrawalOf([operator.account.address]);
    expect(pending.readyAt).to.equal((await now()) + (await stakeManager.read.unbondingDelay()));
    await viem.assertions.emitWithArgs(stakeManager.write.cancelWithdrawal({ account: operator.account }), stakeManager, "WithdrawalCancelled", [
      operator.account.address,
      15n,
    ] as never);
    expect((await stakeManager.read.stakeOf([operator.account.address])).free).to.equal(INITIAL_STAKE - INITIAL_RESERVE);
    await viem.assertions.revertWithCustomError(stakeManager.write.cancelWithdrawal({ account: operator.account }), stakeManager, "StakeNoWithdrawal");
  });

  it("refuses to unbond more than the free stake, or nothing", async () => {
    const { stakeManager, operator } = system;
    await viem.assertions.revertWithCustomErrorWithArgs(
      stakeManager.write.requestWithdrawal([INITIAL_STAKE], { account: operator.account }),
      stakeManager,
      "StakeInsufficientFree",
      [operator.account.address, INITIAL_STAKE - INITIAL_RESERVE, INITIAL_STAKE] as never,
    );
    await viem.assertions.revertWithCustomError(stakeManager.write.requestWithdrawal([0n], { account: operator.account }), stakeManager, "StakeZeroAmount");
  });

  it("lets only the ledger lock, unlock, slash and move bonds", async () => {
    const { stakeManager, stranger, operator } = system;
    const calls = [
      stakeManager.write.lock([operator.account.address, 1n], { account: stranger.account }),
      stakeManager.write.unlock([operator.account.address, 1n], { account: stranger.account }),
      stakeManager.write.slash([operator.account.address, 1n, 0n], { account: stranger.account }),
      stakeManager.write.escrowBond([stranger.account.address, 1n], { account: stranger.account }),
      stakeManager.write.releaseBond([stranger.account.address, 0n], { account: stranger.account }),
    ];
    for (const call of calls) {
      await viem.assertions.revertWithCustomErrorWithArgs(call, stakeManager, "StakeOnlyLedger", [
        (caller: string) => caller.toLowerCase() === stranger.account.address.toLowerCase(),
      ] as never);
    }
  });

  it("has nothing to claim for an account never credited", async () => {
    const { stakeManager, stranger } = system;
    await viem.assertions.revertWithCustomErrorWithArgs(stakeManager.write.claim({ account: stranger.account }), stakeManager, "StakeNothingToClaim", [
      (account: string) => account.toLowerCase() === stranger.account.address.toLowerCase(),
    ] as never);
  });

  it("refuses a zero token or treasury", async () => {
    const { stakeManager, token } = system;
    await viem.assertions.revertWithCustomError(viem.deployContract("StakeManager", [zeroAddress, token.address, 1n]), stakeManager, "StakeInvalidConfiguration");
    await viem.assertions.revertWithCustomError(viem.deployContract("StakeManager", [token.address, zeroAddress, 1n]), stakeManager, "StakeInvalidConfiguration");
  });
});

describe("StakeManager driven directly by its ledger", () => {
  // A stake manager deployed by an account makes that account its ledger: this reaches the defensive
  // checks a correct InferenceLedger never trips.
  async function deployedBy(tokenName: "TestToken" | "FeeOnTransferToken") {
    const system = await loadSystem();
    const [ledgerAccount, payer] = [system.stranger, system.challenger];
    const token = await viem.deployContract(tokenName);
    const stakeManager = await viem.deployContract("StakeManager", [token.address, system.deployer.account.address, 100n], {
      client: { wallet: ledgerAccount },
    });
    await token.write.mint([payer.account.address, 1_000n]);
    await token.write.approve([stakeManager.address, 1_000n], { account: payer.account });
    return { stakeManager, token, ledger: ledgerAccount.account, payer: payer.account };
  }

  it("refuses to unlock, slash or release more than it holds", async () => {
    const { stakeManager, ledger, payer } = await deployedBy("TestToken");
    await stakeManager.write.deposit([100n], { account: payer });
    await stakeManager.write.lock([payer.address, 60n], { account: ledger });
    await viem.assertions.revertWithCustomErrorWithArgs(
      stakeManager.write.unlock([payer.address, 61n], { account: ledger }),
      stakeManager,
      "StakeInsufficientLocked",
      [payer.address, 60n, 61n] as never,
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      stakeManager.write.slash([payer.address, 61n, 0n], { account: ledger }),
      stakeManager,
      "StakeInsufficientLocked",
      [payer.address, 60n, 61n] as never,
    );
    await stakeManager.write.escrowBond([payer.address, 5n], { account: ledger });
    await viem.assertions.revertWithCustomErrorWithArgs(
      stakeManager.write.releaseBond([payer.address, 6n], { account: ledger }),
      stakeManager,
      "StakeInsufficientEscrow",
      [5n, 6n],
    );
    await viem.assertions.revertWithCustomError(stakeManager.write.escrowBond([payer.address, 0n], { account: ledger }), stakeManager, "StakeZeroAmount");
  });

  it("refuses a token that delivers less than was transferred", async () => {
    const { stakeManager, ledger, payer } = await deployedBy("FeeOnTransferToken");
    await viem.assertions.revertWithCustomErrorWithArgs(stakeManager.write.deposit([100n], { account: payer }), stakeManager, "StakeTransferShortfall", [
      100n,
      99n,
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      stakeManager.write.escrowBond([payer.address, 100n], { account: ledger }),
      stakeManager,
      "StakeTransferShortfall",
      [100n, 99n],
    );
    expect(await stakeManager.read.escrowed()).to.equal(0n);
  });
});
