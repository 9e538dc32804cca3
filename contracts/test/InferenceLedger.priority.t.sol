// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {IDisputeResolver} from "../interfaces/IDisputeResolver.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {VinferFixture} from "./utils/VinferFixture.sol";
import {NaiveMerkle} from "./utils/NaiveMerkle.sol";
import {ManualResolver} from "./ManualResolver.sol";

/// @notice Challenger priority and the windows of commit-reveal accusations. An honest challenger and the
/// operator's second address accuse the same cheating commitment in random orders of commit, reveal and close:
/// whatever the order, the reward goes exactly once to the earliest-committed accusation that proved the fault,
/// and when the honest challenger committed first the operator's two addresses together lose the whole bond. The
/// reveal window, the challenge deadline, forfeits and the data answer window are fuzzed to the second.
/// @dev Disputes run on a model judged by {ManualResolver} (approved by governance), so the test decides every
/// outcome and when it lands.
contract InferenceLedgerPriorityTest is VinferFixture {
    uint32 private constant WINDOW_M = MAX_WINDOW;
    uint96 private constant BOND_M = 2 ether; // per inference
    uint96 private constant CB_M = 1 ether;
    uint256 private constant BURN_M = uint256(CB_M) * BURN_BPS / BPS;

    /// How an accusation ends.
    enum Fate {
        Fault, // a dispute the resolver decides against the operator
        Withheld, // a data demand the operator leaves unanswered
        NoFault, // a dispute that shows nothing
        ChallengerFault, // a dispute the resolver decides against the challenger
        Answered, // a data demand the operator answers (withheld after all if the answer window has passed)
        NeverRevealed // a commit nobody reveals: forfeited
    }

    enum Stage {
        None,
        Committed,
        Revealed,
        Closed,
        Refused // the reveal came too late: the commitment was slashed through an earlier-committed accusation
    }

    struct Party {
        address who;
        Fate fate;
        uint256 leaf;
        bytes32 salt;
        uint256 id;
        uint256 revealedAt;
        Stage stage;
        bool proved;
        uint256 minted; // tokens handed to it
        uint256 paidIn; // tokens the vault pulled from it
    }

    struct Game {
        bytes32 id;
        bytes32 seed;
        IInferenceLedger.Inference[] items;
        bytes32[] leaves;
        uint256 bond;
        uint40 deadline;
        Party[2] parties; // 0 the honest challenger, 1 the operator's second address
        uint256 lowestProven; // the id of the earliest-committed accusation proven right so far (0: none)
        uint256 slashedThrough; // the id of the accusation whose proof slashed the commitment (0: not slashed)
        uint256 fraudulentLeaf;
    }

    address private operator = _actor("operator");
    address private honest = _actor("honest challenger");
    address private accomplice = _actor("operator's second address");
    address private bystander = _actor("bystander");

    ManualResolver private manual;
    bytes32 private modelM;

    function setUp() public override {
        super.setUp();
        manual = new ManualResolver(address(ledger));
        vm.prank(governance);
        registry.approveResolver(address(manual));
        modelM = registry.registerModel(
            IModelRegistry.ModelSpec({
                weightsRoot: keccak256("weights M"),
                profileHash: keccak256("profile M"),
                traceLength: 0,
                resolver: IDisputeResolver(address(manual)),
                challengeWindow: WINDOW_M,
                bondPerInference: BOND_M,
                challengerBond: CB_M,
                uri: "ipfs://model M"
            })
        );
    }

    // ------------------------------------------------------------------ the game

    function _isDemand(Party memory p) private pure returns (bool) {
        return p.fate == Fate.Withheld || p.fate == Fate.Answered;
    }

    function _claimOf(Party memory p) private pure returns (bytes32) {
        return _isDemand(p) ? bytes32(0) : keccak256(abi.encode("the right output", p.leaf));
    }

    function _commitHash(Game memory g, Party memory p) private view returns (bytes32) {
        return ledger.computeChallengeCommit(p.who, g.id, p.leaf, _claimOf(p), p.salt);
    }

    function _newGame(uint256 size, bytes32 seed) private returns (Game memory g) {
        g.seed = seed;
        g.items = _items(seed, size);
        g.leaves = _leaves(g.items);
        g.bond = uint256(BOND_M) * size;
        _depositAndReserve(operator, g.bond);
        vm.prank(operator);
        g.id = ledger.commitBatch(modelM, g.items);
        g.deadline = uint40(block.timestamp + WINDOW_M);
    }

    function _commitParty(Game memory g, Party memory p) private {
        uint256 need = _isDemand(p) ? DEPOSIT : CB_M;
        _fund(p.who, need);
        p.minted += need;
        p.salt = _commitAccusation(p.who, g.id, p.leaf, _claimOf(p));
        p.id = ledger.disputeCount();
        p.stage = Stage.Committed;
        p.paidIn = DEPOSIT;
    }

    function _revealCall(Game memory g, Party memory p) private returns (uint256) {
        bytes32[] memory proof = NaiveMerkle.proof(g.leaves, p.leaf);
        vm.prank(p.who);
        if (_isDemand(p)) return ledger.demandData(g.id, p.leaf, g.items[p.leaf], proof, p.salt);
        return ledger.challenge(g.id, p.leaf, g.items[p.leaf], proof, _claimOf(p), p.salt);
    }

    function _revealParty(Game memory g, Party memory p) private {
        IInferenceLedger.DisputeTally memory tally = ledger.getDisputeTally(g.id);
        if (_status(g.id) == IInferenceLedger.CommitmentStatus.Slashed && p.id > tally.rewardAccusation) {
            // Committed after the accusation that slashed it: nothing left to change.
            vm.expectRevert(
                abi.encodeWithSelector(
                    IInferenceLedger.LedgerAccusationTooLate.selector, g.id, p.id, uint256(tally.rewardAccusation)
                )
            );
            _revealCall(g, p);
            p.stage = Stage.Refused;
            return;
        }
        assertEq(_revealCall(g, p), p.id, "the reveal's id is its commit's");
        p.revealedAt = block.timestamp;
        p.stage = Stage.Revealed;
        if (!_isDemand(p)) p.paidIn = CB_M; // the deposit topped up to the bond
        assertEq(ledger.getDisputeTally(g.id).open, tally.open + 1, "one more open accusation");
    }

    function _closeParty(Game memory g, Party memory p) private {
        bool wasSlashed = _status(g.id) == IInferenceLedger.CommitmentStatus.Slashed;
        if (_isDemand(p)) {
            uint256 due = p.revealedAt + DATA_ANSWER_WINDOW;
            bytes32 inputHash = g.items[p.leaf].inputHash;
            if (p.fate == Fate.Answered && block.timestamp <= due) {
                vm.prank(operator);
                ledger.publishInput(p.id, g.id, p.leaf, abi.encode(g.seed, p.leaf, "input"));
                ledger.collectDataDemand(p.id, g.id, p.leaf, inputHash);
            } else {
                if (p.fate == Fate.Answered) {
                    // Another demand's expiry took the time past this one's answer window: too late to answer.
                    vm.prank(operator);
                    vm.expectRevert(
                        abi.encodeWithSelector(
                            IInferenceLedger.LedgerDataAnswerWindowClosed.selector,
                            ledger.computeDemandKey(p.id, g.id, p.leaf, inputHash),
                            uint40(due)
                        )
                    );
                    ledger.publishInput(p.id, g.id, p.leaf, abi.encode(g.seed, p.leaf, "input"));
                    p.fate = Fate.Withheld;
                }
                if (block.timestamp <= due) vm.warp(due + 1);
                vm.prank(bystander);
                ledger.expireDataDemand(p.id, g.id, p.leaf, inputHash);
                p.proved = true;
            }
        } else {
            IDisputeResolver.Outcome outcome = p.fate == Fate.Fault
                ? IDisputeResolver.Outcome.OperatorFault
                : p.fate == Fate.ChallengerFault ? IDisputeResolver.Outcome.ChallengerFault : IDisputeResolver.Outcome.NoFault;
            manual.report(p.id, outcome);
            p.proved = p.fate == Fate.Fault;
        }
        p.stage = Stage.Closed;
        if (p.proved) {
            if (!wasSlashed) {
                g.slashedThrough = p.id;
                g.fraudulentLeaf = p.leaf;
            }
            if (g.lowestProven == 0 || p.id < g.lowestProven) g.lowestProven = p.id;
        }
        IInferenceLedger.DisputeTally memory tally = ledger.getDisputeTally(g.id);
        if (g.lowestProven != 0) {
            assertTrue(_status(g.id) == IInferenceLedger.CommitmentStatus.Slashed, "a proven fault slashed");
            assertEq(tally.rewardAccusation, g.lowestProven, "the claimant is the earliest-committed proven accusation");
            assertFalse(tally.rewardPaid, "nothing is paid inside the window");
        }
    }

    /// Runs both accusations to their ends in the order `rng` draws. `order` 1 makes the honest challenger commit
    /// first, 2 the operator's second address, 0 either. A data demand expires only after an hour: it waits
    /// until no commit is waiting to be revealed, so that every reveal lands inside its window.
    function _play(Game memory g, uint256 rng, uint8 order) private {
        for (uint256 step; step < 8; ++step) {
            uint256[6] memory options;
            uint256 n;
            bool revealPending;
            for (uint256 k; k < 2; ++k) {
                Party memory q = g.parties[k];
                if (q.stage == Stage.Committed && q.fate != Fate.NeverRevealed) revealPending = true;
            }
            for (uint256 k; k < 2; ++k) {
                Party memory q = g.parties[k];
                if (q.stage == Stage.None) {
                    bool mayCommit = order == 0 || (order == 1 ? k == 0 : k == 1)
                        || g.parties[1 - k].stage != Stage.None;
                    if (mayCommit) options[n++] = k * 3;
                } else if (q.stage == Stage.Committed && q.fate != Fate.NeverRevealed) {
                    options[n++] = k * 3 + 1;
                } else if (q.stage == Stage.Revealed && !(_isDemand(q) && revealPending)) {
                    options[n++] = k * 3 + 2;
                }
            }
            if (n == 0) break;
            rng = uint256(keccak256(abi.encode(rng, step)));
            vm.warp(block.timestamp + rng % 41); // at most 40 s between steps: every reveal is in time
            uint256 pick = options[(rng >> 8) % n];
            Party memory p = g.parties[pick / 3];
            if (pick % 3 == 0) _commitParty(g, p);
            else if (pick % 3 == 1) _revealParty(g, p);
            else _closeParty(g, p);
        }
        for (uint256 k; k < 2; ++k) {
            Stage s = g.parties[k].stage;
            assertTrue(s == Stage.Closed || s == Stage.Refused || s == Stage.Committed, "every accusation ran out");
        }
    }

    /// After the window: forfeits what was never revealed (or refused), pays the reward.
    function _finish(Game memory g) private {
        if (g.lowestProven != 0) {
            vm.expectRevert(
                abi.encodeWithSelector(IInferenceLedger.LedgerRewardNotFinal.selector, g.id, uint24(0), g.deadline)
            );
            ledger.payChallengerReward(g.id);
        }
        vm.warp(uint256(g.deadline) + 1);
        for (uint256 k; k < 2; ++k) {
            Party memory p = g.parties[k];
            if (p.stage == Stage.Committed || p.stage == Stage.Refused) {
                vm.prank(bystander);
                ledger.forfeitChallengeCommit(_commitHash(g, p));
                assertTrue(
                    ledger.getChallengeCommit(_commitHash(g, p)).status == IInferenceLedger.ChallengeCommitStatus.Forfeited,
                    "forfeited"
                );
            }
        }
        if (g.lowestProven != 0) {
            vm.prank(bystander);
            ledger.payChallengerReward(g.id);
            vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerNoReward.selector, g.id));
            ledger.payChallengerReward(g.id);
        } else {
            ledger.settle(g.id);
        }
    }

    /// What a party is owed besides the reward.
    function _refund(Party memory p) private pure returns (uint256) {
        if (p.stage != Stage.Closed) return 0; // forfeited
        if (p.fate == Fate.Fault) return CB_M;
        if (p.fate == Fate.NoFault) return CB_M - BURN_M;
        if (p.fate == Fate.Withheld) return DEPOSIT;
        return 0; // challenger fault, or an answered demand
    }

    function _wealth(address who) private view returns (uint256) {
        return token.balanceOf(who) + stakeManager.stakeOf(who).free + stakeManager.stakeOf(who).locked
            + stakeManager.withdrawalOf(who).amount + stakeManager.creditOf(who);
    }

    /// Checks every balance against the outcomes and returns (honest wealth gained, operator's side's loss).
    function _settleAccounts(Game memory g) private view returns (int256 honestGain, uint256 operatorSideLoss) {
        uint256 reward = g.lowestProven != 0 ? g.bond * REWARD_BPS / BPS : 0;
        uint256 treasuryDue = g.lowestProven != 0 ? g.bond - reward : 0;
        uint256 operatorDue;
        uint256 tokensIn = g.bond;
        for (uint256 k; k < 2; ++k) {
            Party memory p = g.parties[k];
            tokensIn += p.paidIn;
            assertEq(token.balanceOf(p.who), p.minted - p.paidIn, "pulled exactly the deposit and the top-up");
            uint256 due = _refund(p) + (p.id == g.lowestProven ? reward : 0);
            assertEq(stakeManager.creditOf(p.who), due, k == 0 ? "honest challenger's credit" : "second address's credit");
            if (p.stage != Stage.Closed) treasuryDue += DEPOSIT;
            else if (p.fate == Fate.NoFault) treasuryDue += BURN_M;
            else if (p.fate == Fate.ChallengerFault) (treasuryDue, operatorDue) = (treasuryDue + BURN_M, operatorDue + CB_M - BURN_M);
            else if (p.fate == Fate.Answered) operatorDue += DEPOSIT;
        }
        assertEq(stakeManager.creditOf(treasury), treasuryDue, "treasury's credit");
        assertEq(stakeManager.creditOf(operator), operatorDue, "operator's credit");
        assertEq(stakeManager.escrowed(), 0, "escrow empty");
        assertEq(token.balanceOf(address(stakeManager)), tokensIn, "the vault holds what came in");
        if (g.lowestProven != 0) {
            IInferenceLedger.DisputeTally memory tally = ledger.getDisputeTally(g.id);
            Party memory winner = g.parties[g.parties[0].id == g.lowestProven ? 0 : 1];
            assertEq(tally.rewardee, winner.who, "rewardee");
            assertEq(tally.rewardAccusation, g.lowestProven, "reward accusation");
            assertTrue(tally.rewardPaid, "paid");
            assertEq(tally.open, 0, "nothing open");
            assertEq(tally.fraudulentLeaf, g.fraudulentLeaf, "the leaf of the first proof");
            assertTrue(_status(g.id) == IInferenceLedger.CommitmentStatus.Slashed, "slashed");
            assertTrue(
                ledger.inferenceStatus(g.id, g.fraudulentLeaf) == IInferenceLedger.InferenceStatus.Fraudulent,
                "fraudulent"
            );
            assertEq(stakeManager.stakeOf(operator).locked, 0, "the whole bond slashed");
        } else {
            assertEq(ledger.bondReserveOf(operator), g.bond, "settled");
        }
        Party memory h = g.parties[0];
        Party memory a = g.parties[1];
        honestGain = int256(_wealth(honest)) - int256(h.minted);
        operatorSideLoss = g.bond + a.minted - _wealth(operator) - _wealth(accomplice);
    }

    function _parties(Game memory g, uint256 size, uint256 hLeaf, uint256 aLeaf, bool honestDemands, uint8 aFate)
        private
        view
    {
        g.parties[0].who = honest;
        g.parties[0].fate = honestDemands ? Fate.Withheld : Fate.Fault;
        g.parties[0].leaf = _bound(hLeaf, 0, size - 1);
        g.parties[1].who = accomplice;
        g.parties[1].fate = Fate(aFate % 6);
        g.parties[1].leaf = _bound(aLeaf, 0, size - 1);
    }

    // ------------------------------------------------------------------ priority

    /// Any order of commit, reveal and close, any fate of the second address's accusation: the earliest-committed
    /// accusation proven right takes exactly the reward, once, after the window; every other bond moves by its
    /// own outcome only.
    function testFuzz_rewardGoesToTheEarliestCommittedProvenAccusation(
        uint256 size,
        uint256 hLeaf,
        uint256 aLeaf,
        bool honestDemands,
        uint8 aFate,
        uint256 rng
    ) public {
        size = _bound(size, 1, 8);
        Game memory g = _newGame(size, keccak256(abi.encode(size, rng)));
        _parties(g, size, hLeaf, aLeaf, honestDemands, aFate);
        _play(g, rng, 0);
        _finish(g);
        _settleAccounts(g);
    }

    /// The honest challenger committed first: whatever the operator's second address does and in whatever order
    /// things land, the honest challenger gains exactly the reward and the operator's two addresses together lose
    /// at least the whole bond — exactly the bond when the second address's accusation was proven too.
    function testFuzz_honestFirstCommitTakesTheRewardAndTheOperatorLosesTheBond(
        uint256 size,
        uint256 hLeaf,
        uint256 aLeaf,
        bool honestDemands,
        uint8 aFate,
        uint256 rng
    ) public {
        size = _bound(size, 1, 8);
        Game memory g = _newGame(size, keccak256(abi.encode(size, rng, "honest first")));
        _parties(g, size, hLeaf, aLeaf, honestDemands, aFate);
        _play(g, rng, 1);
        _finish(g);
        (int256 honestGain, uint256 operatorSideLoss) = _settleAccounts(g);
        Party memory h = g.parties[0];
        Party memory a = g.parties[1];
        assertTrue(h.id < a.id || a.stage == Stage.None, "the honest challenger committed first");
        assertTrue(h.stage == Stage.Closed && h.proved, "the honest accusation is never refused");
        assertEq(g.lowestProven, h.id, "the honest accusation holds the claim");
        uint256 reward = g.bond * REWARD_BPS / BPS;
        assertTrue(honestGain == int256(reward), "the honest challenger gains exactly the reward");
        if (a.proved) assertEq(operatorSideLoss, g.bond, "the operator's two addresses lose exactly the bond");
        else assertLe(g.bond, operatorSideLoss, "the operator's two addresses lose at least the bond");
    }

    /// The operator's second address committed first (a self-challenge, or a blind guess): if proven it takes the
    /// reward, so the operator's side loses the bond less the reward, and the honest challenger gets its bond back
    /// — or loses its deposit when its reveal comes after the slash.
    function testFuzz_secondAddressFirstCommitTakesTheRewardOnlyIfProven(
        uint256 size,
        uint256 hLeaf,
        uint256 aLeaf,
        bool honestDemands,
        uint8 aFate,
        uint256 rng
    ) public {
        size = _bound(size, 1, 8);
        Game memory g = _newGame(size, keccak256(abi.encode(size, rng, "accomplice first")));
        _parties(g, size, hLeaf, aLeaf, honestDemands, aFate);
        _play(g, rng, 2);
        _finish(g);
        (int256 honestGain, uint256 operatorSideLoss) = _settleAccounts(g);
        Party memory h = g.parties[0];
        Party memory a = g.parties[1];
        assertTrue(a.id < h.id, "the second address committed first");
        uint256 reward = g.bond * REWARD_BPS / BPS;
        if (a.proved) {
            assertEq(g.lowestProven, a.id, "the second address holds the claim");
            assertEq(operatorSideLoss, g.bond - reward, "the operator's side loses the bond less the reward");
            if (h.stage == Stage.Refused) {
                assertTrue(honestGain == -int256(uint256(DEPOSIT)), "a refused reveal forfeits the deposit");
            } else {
                assertTrue(honestGain == 0, "the honest challenger is made whole");
            }
        } else {
            assertEq(g.lowestProven, h.id, "the honest accusation holds the claim");
            assertTrue(honestGain == int256(reward), "the honest challenger gains exactly the reward");
            assertLe(g.bond, operatorSideLoss, "the operator's two addresses lose at least the bond");
        }
    }

    /// Slashed through a later-committed accusation: accusations committed after it are refused, an earlier one
    /// is still revealed and takes the claim; its proof does not slash twice. The last close after the window
    /// pays the reward by itself.
    function testFuzz_revealsOnASlashedCommitmentByCommitOrder(uint256 size, uint256 leaf, uint256 late) public {
        size = _bound(size, 1, 8);
        leaf = _bound(leaf, 0, size - 1);
        Game memory g = _newGame(size, keccak256(abi.encode(size, leaf, "slashed")));
        bytes32[] memory proof = NaiveMerkle.proof(g.leaves, leaf);
        bytes32 claim = keccak256("the right output");
        _fund(honest, CB_M);
        _fund(accomplice, CB_M);
        _fund(bystander, CB_M);
        bytes32 hSalt = _commitAccusation(honest, g.id, leaf, claim); // id 1
        uint256 own = _accuse(accomplice, g.id, leaf, g.items[leaf], proof, claim); // id 2
        bytes32 bSalt = _commitAccusation(bystander, g.id, leaf, claim); // id 3
        manual.report(own, IDisputeResolver.Outcome.OperatorFault);
        assertEq(ledger.getDisputeTally(g.id).rewardAccusation, own, "slashed through the second address");

        vm.prank(bystander);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerAccusationTooLate.selector, g.id, 3, own));
        ledger.challenge(g.id, leaf, g.items[leaf], proof, claim, bSalt);

        vm.prank(honest);
        uint256 first = ledger.challenge(g.id, leaf, g.items[leaf], proof, claim, hSalt);
        assertEq(first, 1, "the earliest commit");
        assertTrue(_status(g.id) == IInferenceLedger.CommitmentStatus.Slashed, "a reveal leaves it slashed");
        assertEq(ledger.getDisputeTally(g.id).open, 1, "one open");

        // The honest dispute closes after the window: it takes the claim and is paid in the same call.
        vm.warp(uint256(g.deadline) + _bound(late, 1, 1 days));
        uint256 reward = g.bond * REWARD_BPS / BPS;
        vm.expectEmit();
        emit IInferenceLedger.RewardClaimantChanged(g.id, first, honest);
        vm.expectEmit();
        emit IInferenceLedger.ChallengerRewarded(g.id, first, honest, reward);
        manual.report(first, IDisputeResolver.Outcome.OperatorFault);
        IInferenceLedger.DisputeTally memory tally = ledger.getDisputeTally(g.id);
        assertTrue(tally.rewardPaid, "paid by the last close");
        assertEq(tally.rewardee, honest, "to the earliest commit");
        assertEq(stakeManager.creditOf(honest), CB_M + reward, "bond and reward");
        assertEq(stakeManager.creditOf(accomplice), CB_M, "bond only");
        assertEq(stakeManager.creditOf(treasury), g.bond - reward, "slashed once");
        ledger.forfeitChallengeCommit(ledger.computeChallengeCommit(bystander, g.id, leaf, claim, bSalt));
        assertEq(stakeManager.creditOf(treasury), g.bond - reward + DEPOSIT, "and the refused deposit");
        assertEq(stakeManager.escrowed(), 0, "escrow empty");
    }

    /// While an accusation is open the reward waits, even after the window.
    function testFuzz_rewardWaitsForEveryOpenAccusation(uint256 size, uint256 l1, uint256 l2, uint256 late) public {
        size = _bound(size, 1, 8);
        l1 = _bound(l1, 0, size - 1);
        l2 = _bound(l2, 0, size - 1);
        Game memory g = _newGame(size, keccak256(abi.encode(size, l1, l2, "waits")));
        _fund(honest, CB_M);
        _fund(accomplice, DEPOSIT);
        uint256 d1 = _accuse(honest, g.id, l1, g.items[l1], NaiveMerkle.proof(g.leaves, l1), keccak256("right"));
        bytes32 salt = _commitAccusation(accomplice, g.id, l2, bytes32(0));
        vm.prank(accomplice);
        uint256 d2 = ledger.demandData(g.id, l2, g.items[l2], NaiveMerkle.proof(g.leaves, l2), salt);
        manual.report(d1, IDisputeResolver.Outcome.OperatorFault);
        vm.warp(uint256(g.deadline) + _bound(late, 1, 1 days));
        vm.expectRevert(
            abi.encodeWithSelector(IInferenceLedger.LedgerRewardNotFinal.selector, g.id, uint24(1), g.deadline)
        );
        ledger.payChallengerReward(g.id);
        // The demand's answer window has long passed: it expires, and the reward is paid by that call.
        ledger.expireDataDemand(d2, g.id, l2, g.items[l2].inputHash);
        assertTrue(ledger.getDisputeTally(g.id).rewardPaid, "paid");
        assertEq(ledger.getDisputeTally(g.id).rewardee, honest, "to the earlier commit");
        assertEq(stakeManager.creditOf(honest), CB_M + g.bond * REWARD_BPS / BPS, "bond and reward");
        assertEq(stakeManager.creditOf(accomplice), DEPOSIT, "deposit back");
    }

    // ------------------------------------------------------------------ windows

    /// A commit may be revealed up to and including `committedAt + revealWindow`, not one second later.
    function testFuzz_revealWindowBoundary(uint256 size, uint256 leaf, uint256 commitAt, bool asDemand) public {
        size = _bound(size, 1, 16);
        leaf = _bound(leaf, 0, size - 1);
        Game memory g = _newGame(size, keccak256(abi.encode(size, leaf, commitAt, "reveal window")));
        // Late enough in the window, but with the whole reveal window (and one second) before the deadline.
        uint256 committedAt = T0 + _bound(commitAt, 0, WINDOW_M - REVEAL_WINDOW - 1);
        vm.warp(committedAt);
        bytes32 claim = asDemand ? bytes32(0) : keccak256("right");
        _fund(honest, CB_M);
        bytes32 salt = _commitAccusation(honest, g.id, leaf, claim);
        bytes32 h = ledger.computeChallengeCommit(honest, g.id, leaf, claim, salt);
        bytes32[] memory proof = NaiveMerkle.proof(g.leaves, leaf);
        uint256 revealDeadline = committedAt + REVEAL_WINDOW;

        vm.warp(revealDeadline + 1);
        vm.prank(honest);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerRevealWindowClosed.selector, h, revealDeadline));
        if (asDemand) ledger.demandData(g.id, leaf, g.items[leaf], proof, salt);
        else ledger.challenge(g.id, leaf, g.items[leaf], proof, claim, salt);

        vm.warp(revealDeadline);
        vm.prank(honest);
        uint256 id = asDemand
            ? ledger.demandData(g.id, leaf, g.items[leaf], proof, salt)
            : ledger.challenge(g.id, leaf, g.items[leaf], proof, claim, salt);
        assertEq(id, 1, "revealed on the last second");
        assertTrue(ledger.getChallengeCommit(h).status == IInferenceLedger.ChallengeCommitStatus.Revealed, "revealed");
        assertEq(stakeManager.escrowed(), asDemand ? DEPOSIT : CB_M, "the accusation's bond");
    }

    /// Never past the commitment's challenge deadline, even inside the reveal window.
    function testFuzz_revealNeverPastTheChallengeDeadline(
        uint256 size,
        uint256 leaf,
        uint256 before,
        uint256 after_,
        bool asDemand
    ) public {
        size = _bound(size, 1, 16);
        leaf = _bound(leaf, 0, size - 1);
        Game memory g = _newGame(size, keccak256(abi.encode(size, leaf, before, "deadline")));
        // Committed so close to the deadline that the reveal window reaches past it.
        before = _bound(before, 0, REVEAL_WINDOW - 1);
        uint256 committedAt = uint256(g.deadline) - before;
        vm.warp(committedAt);
        bytes32 claim = asDemand ? bytes32(0) : keccak256("right");
        _fund(honest, CB_M);
        bytes32 salt = _commitAccusation(honest, g.id, leaf, claim);
        bytes32[] memory proof = NaiveMerkle.proof(g.leaves, leaf);

        vm.warp(uint256(g.deadline) + _bound(after_, 1, REVEAL_WINDOW - before)); // the reveal window is still open
        vm.prank(honest);
        vm.expectRevert(
            abi.encodeWithSelector(IInferenceLedger.LedgerChallengeWindowClosed.selector, g.id, g.deadline)
        );
        if (asDemand) ledger.demandData(g.id, leaf, g.items[leaf], proof, salt);
        else ledger.challenge(g.id, leaf, g.items[leaf], proof, claim, salt);

        vm.warp(g.deadline);
        vm.prank(honest);
        if (asDemand) ledger.demandData(g.id, leaf, g.items[leaf], proof, salt);
        else ledger.challenge(g.id, leaf, g.items[leaf], proof, claim, salt);
        assertTrue(_status(g.id) == IInferenceLedger.CommitmentStatus.Disputed, "revealed on the deadline");
    }

    /// An unrevealed commit is forfeited to the treasury by anyone, one second after its reveal window and never
    /// before; a forfeited commit is closed for good.
    function testFuzz_forfeitOnlyAfterTheRevealWindow(uint256 commitAt, uint256 early, uint256 late, address caller)
        public
    {
        Game memory g = _newGame(2, "forfeit");
        uint256 committedAt = T0 + _bound(commitAt, 0, WINDOW_M - REVEAL_WINDOW - 2);
        vm.warp(committedAt);
        bytes32 claim = keccak256("right");
        _fund(honest, CB_M);
        bytes32 salt = _commitAccusation(honest, g.id, 1, claim);
        bytes32 h = ledger.computeChallengeCommit(honest, g.id, 1, claim, salt);
        uint256 revealDeadline = committedAt + REVEAL_WINDOW;

        vm.warp(committedAt + _bound(early, 0, REVEAL_WINDOW));
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerRevealWindowOpen.selector, h, revealDeadline));
        ledger.forfeitChallengeCommit(h);

        vm.warp(revealDeadline + _bound(late, 1, 30 days));
        vm.prank(caller);
        ledger.forfeitChallengeCommit(h);
        assertTrue(ledger.getChallengeCommit(h).status == IInferenceLedger.ChallengeCommitStatus.Forfeited, "forfeited");
        assertEq(stakeManager.creditOf(treasury), DEPOSIT, "the deposit to the treasury");
        assertEq(stakeManager.escrowed(), 0, "escrow empty");
        bytes memory closed = abi.encodeWithSelector(
            IInferenceLedger.LedgerChallengeCommitClosed.selector, h, IInferenceLedger.ChallengeCommitStatus.Forfeited
        );
        vm.prank(caller);
        vm.expectRevert(closed);
        ledger.forfeitChallengeCommit(h);
        if (block.timestamp <= g.deadline) {
            bytes32[] memory proof = NaiveMerkle.proof(g.leaves, 1);
            vm.prank(honest);
            vm.expectRevert(closed);
            ledger.challenge(g.id, 1, g.items[1], proof, claim, salt);
        }
        bytes32 unknown = keccak256(abi.encode(h));
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerChallengeCommitNotFound.selector, unknown));
        ledger.forfeitChallengeCommit(unknown);
    }

    /// The demanded input is accepted up to and including the demand's deadline; one second later only the expiry
    /// is, and it slashes.
    function testFuzz_dataAnswerWindowBoundary(uint256 size, uint256 leaf, uint256 revealAt, bool answerInTime)
        public
    {
        size = _bound(size, 1, 16);
        leaf = _bound(leaf, 0, size - 1);
        Game memory g = _newGame(size, keccak256(abi.encode(size, leaf, revealAt, "answer window")));
        vm.warp(T0 + _bound(revealAt, 0, WINDOW_M));
        _fund(honest, DEPOSIT);
        bytes32 salt = _commitAccusation(honest, g.id, leaf, bytes32(0));
        vm.prank(honest);
        uint256 demandId = ledger.demandData(g.id, leaf, g.items[leaf], NaiveMerkle.proof(g.leaves, leaf), salt);
        uint40 due = uint40(block.timestamp + DATA_ANSWER_WINDOW);
        bytes32 inputHash = g.items[leaf].inputHash;
        bytes32 key = ledger.computeDemandKey(demandId, g.id, leaf, inputHash);
        bytes memory input = abi.encode(g.seed, leaf, "input");
        assertEq(keccak256(input), inputHash, "the input behind the hash");

        vm.warp(due);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerDataAnswerWindowOpen.selector, key, due));
        ledger.expireDataDemand(demandId, g.id, leaf, inputHash);
        if (answerInTime) {
            vm.prank(operator);
            ledger.publishInput(demandId, g.id, leaf, input);
            assertTrue(ledger.getDataDemand(key).status == IInferenceLedger.DataDemandStatus.Answered, "answered");
            vm.warp(uint256(due) + 1);
            vm.expectRevert(
                abi.encodeWithSelector(
                    IInferenceLedger.LedgerDataDemandStatusInvalid.selector, key, IInferenceLedger.DataDemandStatus.Answered
                )
            );
            ledger.expireDataDemand(demandId, g.id, leaf, inputHash);
            assertTrue(_status(g.id) != IInferenceLedger.CommitmentStatus.Slashed, "not slashed");
        } else {
            vm.warp(uint256(due) + 1);
            vm.prank(operator);
            vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerDataAnswerWindowClosed.selector, key, due));
            ledger.publishInput(demandId, g.id, leaf, input);
            ledger.expireDataDemand(demandId, g.id, leaf, inputHash);
            assertTrue(ledger.getDataDemand(key).status == IInferenceLedger.DataDemandStatus.Withheld, "withheld");
            assertTrue(_status(g.id) == IInferenceLedger.CommitmentStatus.Slashed, "slashed");
            assertTrue(
                ledger.inferenceStatus(g.id, leaf) == IInferenceLedger.InferenceStatus.Fraudulent, "withheld is fraud"
            );
        }
    }
}
