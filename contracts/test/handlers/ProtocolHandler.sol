// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IInferenceLedger} from "../../interfaces/IInferenceLedger.sol";
import {IStakeManager} from "../../interfaces/IStakeManager.sol";
import {ICommitteeResolver} from "../../interfaces/ICommitteeResolver.sol";
import {IModelRegistry} from "../../interfaces/IModelRegistry.sol";
import {InferenceLedger} from "../../InferenceLedger.sol";
import {CommitteeResolver} from "../../resolvers/CommitteeResolver.sol";
import {TestToken} from "../TestToken.sol";
import {TestBase} from "../utils/Vm.sol";
import {NaiveMerkle} from "../utils/NaiveMerkle.sol";

/// @notice Drives random sequences of protocol actions for the invariant tests: deposits, withdrawals,
/// commitments by several operators (whose inputs it knows, so it can publish them), challenge commits (some
/// revealed at once, some later, some never and then forfeited), reveals as disputes (with proofs it computes
/// itself) or data demands, published, collected and withheld inputs, committee votes, challenger rewards,
/// settlement, claims and time. It records what it did and what it observed in ghost variables; anything that
/// should have reverted but did not (or the reverse, or with another error than the rules say) is recorded as a
/// violation instead of reverting, so the invariant run reports it.
/// @dev Every payout is booked from the state transitions it observes after each action ({_sweep}): a dispute
/// that closed, a demand collected or withheld, a commit forfeited, a commitment slashed, a reward paid. The
/// amounts are computed here from the rules, independently of the ledger, and the invariants compare them with
/// the stake manager's books.
contract ProtocolHandler is TestBase {
    uint256 private constant BPS = 10_000;

    TestToken public immutable token;
    InferenceLedger public immutable ledger;
    IStakeManager public immutable stakeManager;
    CommitteeResolver public immutable committee;
    address public immutable treasury;
    uint256 private immutable rewardBps;
    uint256 private immutable burnBps;
    uint256 private immutable maxDispute;
    uint256 private immutable deposit_;
    uint256 private immutable revealWindow;
    uint256 private immutable answerWindow;

    bytes32[2] private models;
    uint256[2] private bondPer;
    uint256[2] private challengerBondOf;
    uint256[2] private windowOf;

    address[] private _operators;
    address[] private _challengers; // anyone may challenge: the challengers and the operators
    address[] private _arbiters;

    uint256 public currentTime;

    struct CommitRec {
        bytes32 id;
        address operator;
        uint8 model;
        uint24 count;
        uint256 bond;
        uint40 deadline;
    }

    struct DisputeRec {
        uint256 id;
        uint256 commitIndex;
        address challenger;
        uint256 bond;
        uint40 openedAt;
    }

    /// A challenge commit and the accusation it hides.
    struct AccusationRec {
        bytes32 hash;
        uint256 id;
        address challenger;
        uint256 commitIndex;
        uint256 leaf;
        bytes32 claim; // zero for a data demand
        bytes32 salt;
        uint40 committedAt;
        bool forged; // made for a reveal that must be refused: never revealed honestly, only forfeited
    }

    struct DemandRec {
        uint256 id;
        uint256 commitIndex;
        uint256 leaf;
        address demander;
        bytes32 key;
        uint40 deadline;
    }

    CommitRec[] private _commits;
    mapping(uint256 commitIndex => IInferenceLedger.Inference[]) private _items;
    mapping(uint256 commitIndex => bytes32) private _itemSalts; // input i of commitment ci is `_input(ci, i)`
    DisputeRec[] private _disputes;
    AccusationRec[] private _accusations;
    DemandRec[] private _demands;

    // ------------------------------------------------------------------ ghosts

    mapping(address => uint256) public ghostDeposited; // stake deposited for an operator
    mapping(address => uint256) public ghostSlashed; // stake slashed from an operator
    mapping(address => uint256) public ghostWithdrawn; // stake paid out by completeWithdrawal
    mapping(address => uint256) public ghostPending; // requested and neither cancelled nor paid
    mapping(address => uint256) public ghostReserve; // funded - released - committed + settled
    mapping(address => uint256) public ghostCredit; // credits expected from the outcomes, less claims
    uint256 public ghostTokensIn; // every token the stake manager was sent
    uint256 public ghostTokensOut; // every token it paid

    /// The first terminal status observed (0 while none).
    mapping(uint256 commitIndex => IInferenceLedger.CommitmentStatus) public commitTerminal;
    mapping(uint256 disputeIndex => IInferenceLedger.DisputeStatus) public disputeTerminal;
    mapping(uint256 disputeIndex => ICommitteeResolver.BallotStatus) public ballotTerminal;
    mapping(uint256 accusationIndex => IInferenceLedger.ChallengeCommitStatus) public accusationTerminal;
    /// Answered (which may still become Collected), Collected or Withheld, once seen.
    mapping(uint256 demandIndex => IInferenceLedger.DataDemandStatus) public demandSeen;

    /// Payout bookkeeping: each transition is booked once.
    mapping(uint256 commitIndex => bool) private _slashBooked;
    mapping(uint256 disputeIndex => bool) private _disputeBooked;
    mapping(uint256 demandIndex => bool) private _demandBooked;
    mapping(uint256 accusationIndex => bool) private _forfeitBooked;
    /// The reward of a slashed commitment, as seen paid: to whom and through which accusation.
    mapping(uint256 commitIndex => bool) public rewardSeenPaid;
    mapping(uint256 commitIndex => address) public rewardPaidTo;
    mapping(uint256 commitIndex => uint256) public rewardPaidFor;
    uint256 public rewardsPaid;

    uint256 public violations;
    string public firstViolation;

    mapping(bytes32 action => uint256) public calls; // successful actions, to inspect coverage

    constructor(
        TestToken token_,
        InferenceLedger ledger_,
        CommitteeResolver committee_,
        bytes32 modelA,
        bytes32 modelB,
        address treasury_
    ) {
        token = token_;
        ledger = ledger_;
        stakeManager = ledger_.stakeManager();
        committee = committee_;
        treasury = treasury_;
        rewardBps = ledger_.challengerRewardBps();
        burnBps = ledger_.challengerBurnBps();
        maxDispute = ledger_.registry().maxDisputeDuration();
        deposit_ = ledger_.challengeDeposit();
        revealWindow = ledger_.revealWindow();
        answerWindow = ledger_.dataAnswerWindow();
        models[0] = modelA;
        models[1] = modelB;
        for (uint256 m; m < 2; ++m) {
            IModelRegistry.ModelSpec memory spec = ledger_.registry().getModel(models[m]).spec;
            bondPer[m] = spec.bondPerInference;
            challengerBondOf[m] = spec.challengerBond;
            windowOf[m] = spec.challengeWindow;
        }
        for (uint256 i; i < 3; ++i) {
            _operators.push(_actor(string.concat("operator ", _str(i))));
        }
        for (uint256 i; i < 3; ++i) {
            _challengers.push(_actor(string.concat("challenger ", _str(i))));
        }
        for (uint256 i; i < 3; ++i) {
            _challengers.push(_operators[i]);
        }
        _arbiters = committee_.arbiters();
        currentTime = block.timestamp;
    }

    // ------------------------------------------------------------------ views for the invariants

    function operators() external view returns (address[] memory) {
        return _operators;
    }

    /// Every account that can hold stake or credits: operators, challengers and the treasury.
    function actors() external view returns (address[] memory list) {
        list = new address[](7);
        for (uint256 i; i < 3; ++i) {
            list[i] = _operators[i];
            list[3 + i] = _challengers[i];
        }
        list[6] = treasury;
    }

    function commitCount() external view returns (uint256) {
        return _commits.length;
    }

    function commitAt(uint256 i) external view returns (CommitRec memory) {
        return _commits[i];
    }

    function disputeCount() external view returns (uint256) {
        return _disputes.length;
    }

    function disputeAt(uint256 i) external view returns (DisputeRec memory) {
        return _disputes[i];
    }

    function accusationCount() external view returns (uint256) {
        return _accusations.length;
    }

    function accusationAt(uint256 i) external view returns (AccusationRec memory) {
        return _accusations[i];
    }

    function demandCount() external view returns (uint256) {
        return _demands.length;
    }

    function demandAt(uint256 i) external view returns (DemandRec memory) {
        return _demands[i];
    }

    /// The challenger reward a slashed commitment owes.
    function rewardOf(uint256 ci) public view returns (uint256) {
        return _commits[ci].bond * rewardBps / BPS;
    }

    /// What the vault must hold in escrow: the bonds of open disputes, the deposits of commits neither revealed nor
    /// forfeited, the deposits of demands neither collected nor withheld, and the unpaid rewards of slashed
    /// commitments.
    function expectedEscrow() external view returns (uint256 escrow) {
        for (uint256 i; i < _disputes.length; ++i) {
            if (ledger.getDispute(_disputes[i].id).status == IInferenceLedger.DisputeStatus.Open) {
                escrow += _disputes[i].bond;
            }
        }
        for (uint256 i; i < _accusations.length; ++i) {
            if (
                ledger.getChallengeCommit(_accusations[i].hash).status
                    == IInferenceLedger.ChallengeCommitStatus.Committed
            ) escrow += deposit_;
        }
        for (uint256 i; i < _demands.length; ++i) {
            IInferenceLedger.DataDemandStatus s = ledger.getDataDemand(_demands[i].key).status;
            if (s == IInferenceLedger.DataDemandStatus.Open || s == IInferenceLedger.DataDemandStatus.Answered) {
                escrow += deposit_;
            }
        }
        for (uint256 ci; ci < _commits.length; ++ci) {
            if (
                ledger.getCommitment(_commits[ci].id).status == IInferenceLedger.CommitmentStatus.Slashed
                    && !ledger.getDisputeTally(_commits[ci].id).rewardPaid
            ) escrow += rewardOf(ci);
        }
    }

    /// The earliest-committed accusation on commitment `ci` that proved the operator at fault (a dispute decided
    /// against the operator, or a demand whose input was withheld), and its challenger; id 0 when none did.
    function lowestProven(uint256 ci) public view returns (uint256 id, address challenger) {
        for (uint256 i; i < _disputes.length; ++i) {
            DisputeRec memory d = _disputes[i];
            if (d.commitIndex != ci || (id != 0 && d.id > id)) continue;
            if (ledger.getDispute(d.id).status == IInferenceLedger.DisputeStatus.OperatorFault) {
                (id, challenger) = (d.id, d.challenger);
            }
        }
        for (uint256 i; i < _demands.length; ++i) {
            DemandRec memory d = _demands[i];
            if (d.commitIndex != ci || (id != 0 && d.id > id)) continue;
            if (ledger.getDataDemand(d.key).status == IInferenceLedger.DataDemandStatus.Withheld) {
                (id, challenger) = (d.id, d.demander);
            }
        }
    }

    /// Accusations on commitment `ci` the handler saw opened and not yet closed.
    function openAccusations(uint256 ci) public view returns (uint256 open) {
        for (uint256 i; i < _disputes.length; ++i) {
            if (
                _disputes[i].commitIndex == ci
                    && ledger.getDispute(_disputes[i].id).status == IInferenceLedger.DisputeStatus.Open
            ) ++open;
        }
        for (uint256 i; i < _demands.length; ++i) {
            if (
                _demands[i].commitIndex == ci
                    && ledger.getDataDemand(_demands[i].key).status == IInferenceLedger.DataDemandStatus.Open
            ) ++open;
        }
    }

    // ------------------------------------------------------------------ stake

    function deposit(uint256 opSeed, uint256 amount) external {
        _begin();
        _deposit(_operators[opSeed % 3], _operators[opSeed % 3], _bound(amount, 1, 50 ether));
        _end("deposit");
    }

    function depositFor(uint256 payerSeed, uint256 opSeed, uint256 amount) external {
        _begin();
        _deposit(_challengers[payerSeed % 3], _operators[opSeed % 3], _bound(amount, 1, 50 ether));
        _end("depositFor");
    }

    function requestWithdrawal(uint256 opSeed, uint256 amount, bool overdraw) external {
        _begin();
        address op = _operators[opSeed % 3];
        IStakeManager.Stake memory stake = stakeManager.stakeOf(op);
        if (overdraw && stake.locked > 0) {
            // Reaching into locked stake must fail.
            amount = uint256(stake.free) + _bound(amount, 1, stake.locked);
            _expectRevert(op, address(stakeManager), abi.encodeCall(IStakeManager.requestWithdrawal, (amount)), "withdrew locked stake");
            return _end("");
        }
        if (stake.free == 0) return _end("");
        amount = _bound(amount, 1, stake.free);
        if (!_expectOk(op, address(stakeManager), abi.encodeCall(IStakeManager.requestWithdrawal, (amount)), "requestWithdrawal")) {
            return _end("");
        }
        ghostPending[op] += amount;
        IStakeManager.Withdrawal memory w = stakeManager.withdrawalOf(op);
        if (w.readyAt != currentTime + stakeManager.unbondingDelay()) _fail("readyAt is not now + unbonding delay");
        if (w.amount != ghostPending[op]) _fail("pending withdrawal differs from the requests");
        _end("requestWithdrawal");
    }

    function cancelWithdrawal(uint256 opSeed) external {
        _begin();
        address op = _operatorWithWithdrawal(opSeed);
        if (stakeManager.withdrawalOf(op).amount == 0) {
            _expectRevert(op, address(stakeManager), abi.encodeCall(IStakeManager.cancelWithdrawal, ()), "cancelled nothing");
            return _end("");
        }
        if (_expectOk(op, address(stakeManager), abi.encodeCall(IStakeManager.cancelWithdrawal, ()), "cancelWithdrawal")) {
            ghostPending[op] = 0;
        }
        _end("cancelWithdrawal");
    }

    /// Completes a withdrawal; with `wait`, first waits until it is ready (the unbonding delay is days long).
    function completeWithdrawal(uint256 opSeed, bool wait) external {
        address op = _operatorWithWithdrawal(opSeed);
        IStakeManager.Withdrawal memory w = stakeManager.withdrawalOf(op);
        if (wait && w.amount > 0 && currentTime < w.readyAt) currentTime = w.readyAt;
        _begin();
        bytes memory data = abi.encodeCall(IStakeManager.completeWithdrawal, ());
        if (w.amount == 0 || currentTime < w.readyAt) {
            _expectRevert(op, address(stakeManager), data, "withdrawal completed early or without request");
            return _end("");
        }
        uint256 before = token.balanceOf(op);
        if (!_expectOk(op, address(stakeManager), data, "completeWithdrawal")) return _end("");
        uint256 paid = token.balanceOf(op) - before;
        if (paid != ghostPending[op] || paid != w.amount) _fail("completeWithdrawal paid other than requested");
        if (stakeManager.withdrawalOf(op).amount != 0) _fail("withdrawal not cleared");
        ghostWithdrawn[op] += paid;
        ghostTokensOut += paid;
        ghostPending[op] = 0;
        _end("completeWithdrawal");
    }

    function fundBondReserve(uint256 opSeed, uint256 amount) external {
        _begin();
        address op = _operators[opSeed % 3];
        uint256 free = stakeManager.stakeOf(op).free;
        if (free == 0) return _end("");
        _fundReserve(op, _bound(amount, 1, free));
        _end("fundBondReserve");
    }

    function releaseBondReserve(uint256 opSeed, uint256 amount, bool overdraw) external {
        _begin();
        address op = _operators[opSeed % 3];
        uint256 reserve = ledger.bondReserveOf(op);
        if (overdraw) {
            // The bonds behind open commitments are not part of the reserve.
            amount = reserve + _bound(amount, 1, 100 ether);
            _expectRevert(op, address(ledger), abi.encodeCall(IInferenceLedger.releaseBondReserve, (amount)), "released more than the reserve");
            return _end("");
        }
        if (reserve == 0) return _end("");
        amount = _bound(amount, 1, reserve);
        uint256 freeBefore = stakeManager.stakeOf(op).free;
        if (_expectOk(op, address(ledger), abi.encodeCall(IInferenceLedger.releaseBondReserve, (amount)), "releaseBondReserve")) {
            ghostReserve[op] -= amount;
            if (stakeManager.stakeOf(op).free != freeBefore + amount) _fail("release did not free the stake");
        }
        _end("releaseBondReserve");
    }

    function claim(uint256 actorSeed) external {
        _begin();
        address who = _accountAt(actorSeed);
        if (actorSeed % 4 != 0) {
            // Mostly pick someone with something to claim.
            for (uint256 k; k < 7; ++k) {
                if (stakeManager.creditOf(_accountAt(actorSeed % 7 + k)) > 0) {
                    who = _accountAt(actorSeed % 7 + k);
                    break;
                }
            }
        }
        uint256 credit = stakeManager.creditOf(who);
        bytes memory data = abi.encodeCall(IStakeManager.claim, ());
        if (credit == 0) {
            _expectRevert(who, address(stakeManager), data, "claimed without credit");
            return _end("");
        }
        uint256 before = token.balanceOf(who);
        if (!_expectOk(who, address(stakeManager), data, "claim")) return _end("");
        uint256 paid = token.balanceOf(who) - before;
        if (paid != credit) _fail("claim paid other than the credit");
        if (stakeManager.creditOf(who) != 0) _fail("credit not cleared");
        if (ghostCredit[who] != credit) _fail("credit differs from the outcomes");
        ghostCredit[who] = 0;
        ghostTokensOut += paid;
        _end("claim");
    }

    // ------------------------------------------------------------------ commitments

    function commit(uint256 opSeed, uint256 modelSeed, bytes32 salt) external {
        _begin();
        _commit(_operators[opSeed % 3], uint8(modelSeed % 2), 1, salt);
        _end("commit");
    }

    function commitBatch(uint256 opSeed, uint256 modelSeed, uint256 size, bytes32 salt) external {
        _begin();
        _commit(_operators[opSeed % 3], uint8(modelSeed % 2), _bound(size, 1, 12), salt);
        _end("commitBatch");
    }

    function settle(uint256 commitSeed) external {
        _begin();
        if (_commits.length == 0) return _end("");
        uint256 ci = commitSeed % _commits.length;
        if (commitSeed % 4 != 0) {
            // Mostly pick a commitment that is due.
            for (uint256 k; k < _commits.length; ++k) {
                uint256 cj = (commitSeed % _commits.length + k) % _commits.length;
                if (
                    ledger.getCommitment(_commits[cj].id).status == IInferenceLedger.CommitmentStatus.Pending
                        && currentTime > _commits[cj].deadline
                ) {
                    ci = cj;
                    break;
                }
            }
        }
        CommitRec memory c = _commits[ci];
        bytes memory data = abi.encodeCall(IInferenceLedger.settle, (c.id));
        IInferenceLedger.CommitmentStatus s = ledger.getCommitment(c.id).status;
        if (s != IInferenceLedger.CommitmentStatus.Pending || currentTime <= c.deadline) {
            _expectRevert(address(this), address(ledger), data, "settled an unsettleable commitment");
            return _end("");
        }
        if (_expectOk(address(this), address(ledger), data, "settle")) {
            if (ledger.getCommitment(c.id).status != IInferenceLedger.CommitmentStatus.Settled) _fail("settle did not settle");
            ghostReserve[c.operator] += c.bond;
        }
        _end("settle");
    }

    function settleMany(uint256 seed, uint256 k) external {
        _begin();
        if (_commits.length == 0) return _end("");
        k = _bound(k, 1, 6);
        bytes32[] memory ids = new bytes32[](k);
        uint256[] memory picks = new uint256[](k);
        bool[] memory due = new bool[](k);
        uint256 expected;
        for (uint256 i; i < k; ++i) {
            picks[i] = uint256(keccak256(abi.encode(seed, i))) % _commits.length;
            CommitRec memory c = _commits[picks[i]];
            ids[i] = c.id;
            bool duplicate;
            for (uint256 j; j < i; ++j) if (ids[j] == c.id) duplicate = true;
            due[i] = !duplicate && ledger.getCommitment(c.id).status == IInferenceLedger.CommitmentStatus.Pending
                && currentTime > c.deadline;
            if (due[i]) ++expected;
        }
        try ledger.settleMany(ids) returns (uint256 settled) {
            if (settled != expected) _fail("settleMany settled an unexpected number");
            for (uint256 i; i < k; ++i) {
                if (!due[i]) continue;
                CommitRec memory c = _commits[picks[i]];
                if (ledger.getCommitment(c.id).status != IInferenceLedger.CommitmentStatus.Settled) {
                    _fail("settleMany skipped a due commitment");
                }
                ghostReserve[c.operator] += c.bond;
            }
        } catch {
            _fail("settleMany reverted");
        }
        _end("settleMany");
    }


    // ------------------------------------------------------------------ accusations

    /// Commits to an accusation of any commitment (it may never be revealable) without revealing it: it is revealed
    /// later ({reveal}), or never and then forfeited. Now and then it tries to reuse a hash, which must fail.
    function commitChallenge(uint256 chSeed, uint256 commitSeed, uint256 leafSeed, bool asDemand) external {
        _begin();
        if (_commits.length == 0) return _end("");
        if (chSeed % 8 == 0 && _accusations.length > 0) {
            AccusationRec memory used = _accusations[leafSeed % _accusations.length];
            address who = _challengers[chSeed % _challengers.length];
            _fundBond(who, deposit_);
            _expectRevertWith(
                who,
                address(ledger),
                abi.encodeCall(IInferenceLedger.commitChallenge, (used.hash)),
                abi.encodeWithSelector(IInferenceLedger.LedgerChallengeCommitExists.selector, used.hash),
                "a commit hash used twice"
            );
            return _end("");
        }
        // Mostly an accusation of a commitment still open to them; now and then of any, which may never be revealed.
        (bool found, uint256 ci) = _findChallengeable(commitSeed);
        if (!found || commitSeed % 4 == 0) ci = commitSeed % _commits.length;
        bytes32 claim = asDemand ? bytes32(0) : keccak256(abi.encode("claimed", leafSeed));
        if (_commitAccusation(chSeed, ci, leafSeed % _commits[ci].count, claim, false) == type(uint256).max) {
            return _end("");
        }
        _end("commitChallenge");
    }

    /// Commits and at once reveals a dispute of a commitment that can still be challenged.
    function challenge(uint256 chSeed, uint256 commitSeed, uint256 leafSeed) external {
        _begin();
        (bool found, uint256 ci) = _findChallengeable(commitSeed);
        if (!found) return _end("");
        uint256 ai = _commitAccusation(
            chSeed, ci, leafSeed % _commits[ci].count, keccak256(abi.encode("claimed", leafSeed)), false
        );
        if (ai == type(uint256).max) return _end("");
        if (!_reveal(ai)) _fail("an immediate challenge was refused");
        _end("challenge");
    }

    /// Commits and at once reveals a data demand on a commitment that can still be challenged.
    function demandData(uint256 chSeed, uint256 commitSeed, uint256 leafSeed) external {
        _begin();
        (bool found, uint256 ci) = _findChallengeable(commitSeed);
        if (!found) return _end("");
        uint256 ai = _commitAccusation(chSeed, ci, leafSeed % _commits[ci].count, bytes32(0), false);
        if (ai == type(uint256).max) return _end("");
        if (!_reveal(ai)) _fail("an immediate demand was refused");
        _end("demandData");
    }

    /// Reveals a commit made earlier (mostly one still committed), expecting exactly the error the rules give when
    /// it is late, its commitment closed or slashed through an earlier commit, or the commit already closed.
    function reveal(uint256 accSeed) external {
        _begin();
        uint256 n = _accusations.length;
        if (n == 0) return _end("");
        uint256 ai = accSeed % n;
        if (accSeed % 4 != 0) {
            // Mostly pick one still committed.
            for (uint256 k; k < n; ++k) {
                uint256 aj = (accSeed % n + k) % n;
                if (
                    !_accusations[aj].forged
                        && ledger.getChallengeCommit(_accusations[aj].hash).status
                            == IInferenceLedger.ChallengeCommitStatus.Committed
                ) {
                    ai = aj;
                    break;
                }
            }
        }
        if (_accusations[ai].forged) return _end("");
        _end(_reveal(ai) ? "reveal" : "revealRefused");
    }

    /// Reveals that must be refused: a forged inference, a tampered sibling, another or an out-of-range index, an
    /// extra sibling (on an open commitment), or an honest one on a commitment no longer open. The commit is
    /// made first, so the forgery is the only reason to refuse it; it stays committed and is forfeited later.
    function challengeInvalid(uint256 chSeed, uint256 commitSeed, uint256 leafSeed, uint256 mode, bytes32 delta)
        external
    {
        _begin();
        if (_commits.length == 0 || delta == bytes32(0)) return _end("");
        uint256 ci = commitSeed % _commits.length;
        CommitRec memory c = _commits[ci];
        uint256 leaf = leafSeed % c.count;
        IInferenceLedger.Inference memory inf = _items[ci][leaf];
        bytes32[] memory proof = _proof(ci, leaf);
        IInferenceLedger.CommitmentStatus s = ledger.getCommitment(c.id).status;
        bool open = (s == IInferenceLedger.CommitmentStatus.Pending || s == IInferenceLedger.CommitmentStatus.Disputed)
            && currentTime <= c.deadline;
        mode = mode % 5;
        if (open) {
            if (mode == 0) {
                inf.outputHash ^= delta;
            } else if (mode == 1 && proof.length > 0) {
                proof[uint256(delta) % proof.length] ^= delta;
            } else if (mode == 2) {
                leaf = (leaf + 1 + uint256(delta) % c.count) % (c.count + 1); // another leaf, or out of range
            } else if (mode == 3) {
                bytes32[] memory longer = new bytes32[](proof.length + 1);
                for (uint256 i; i < proof.length; ++i) longer[i] = proof[i];
                longer[proof.length] = delta;
                proof = longer;
            } else {
                inf.inputHash ^= delta;
            }
        } // else: the honest proof, too late or on a closed commitment
        bool asDemand = uint256(delta) % 3 == 0;
        bytes32 claim = asDemand ? bytes32(0) : keccak256(abi.encode("claimed", delta));
        uint256 ai = _commitAccusation(chSeed, ci, leaf, claim, true);
        if (ai == type(uint256).max) return _end("");
        AccusationRec memory a = _accusations[ai];
        bytes memory data = asDemand
            ? abi.encodeCall(IInferenceLedger.demandData, (c.id, leaf, inf, proof, a.salt))
            : abi.encodeCall(IInferenceLedger.challenge, (c.id, leaf, inf, proof, claim, a.salt));
        if (!asDemand) _fundBond(a.challenger, challengerBondOf[c.model] - deposit_);
        vm.prank(a.challenger);
        (bool ok,) = address(ledger).call(data);
        if (ok) _fail(open ? "forged accusation accepted" : "accusation accepted outside the window");
        _end("challengeInvalid");
    }

    /// Publishes a demanded input (mostly of an open demand; sometimes the wrong bytes, which find no demand).
    function publishInput(uint256 demandSeed, bool wrongBytes) external {
        _begin();
        uint256 n = _demands.length;
        if (n == 0) return _end("");
        DemandRec memory d = _demands[demandSeed % 4 == 0 ? demandSeed % n : _demandFrom(demandSeed, true)];
        CommitRec memory c = _commits[d.commitIndex];
        bytes memory input = _input(d.commitIndex, d.leaf);
        if (wrongBytes) input = bytes.concat(input, hex"00");
        bytes memory data = abi.encodeCall(IInferenceLedger.publishInput, (d.id, c.id, d.leaf, input));
        IInferenceLedger.DataDemandStatus s = ledger.getDataDemand(d.key).status;
        bytes memory expected;
        if (wrongBytes) {
            expected = abi.encodeWithSelector(
                IInferenceLedger.LedgerDataDemandNotFound.selector,
                ledger.computeDemandKey(d.id, c.id, d.leaf, keccak256(input))
            );
        } else if (s != IInferenceLedger.DataDemandStatus.Open) {
            expected = abi.encodeWithSelector(IInferenceLedger.LedgerDataDemandStatusInvalid.selector, d.key, s);
        } else if (currentTime > d.deadline) {
            expected = abi.encodeWithSelector(IInferenceLedger.LedgerDataAnswerWindowClosed.selector, d.key, d.deadline);
        }
        if (expected.length != 0) {
            _expectRevertWith(c.operator, address(ledger), data, expected, "publishInput");
            return _end("");
        }
        IInferenceLedger.CommitmentStatus before = ledger.getCommitment(c.id).status;
        uint24 openBefore = ledger.getDisputeTally(c.id).open;
        if (!_expectOk(c.operator, address(ledger), data, "publishInput")) return _end("");
        if (ledger.getDataDemand(d.key).status != IInferenceLedger.DataDemandStatus.Answered) _fail("not answered");
        _checkReleased(c.id, before, openBefore);
        _end("publishInput");
    }

    /// Credits an answered demand's deposit to the operator (mostly an answered one).
    function collectDataDemand(uint256 demandSeed) external {
        _begin();
        uint256 n = _demands.length;
        if (n == 0) return _end("");
        DemandRec memory d = _demands[demandSeed % 4 == 0 ? demandSeed % n : _demandFrom(demandSeed, false)];
        bytes memory data = abi.encodeCall(
            IInferenceLedger.collectDataDemand, (d.id, _commits[d.commitIndex].id, d.leaf, _inputHash(d))
        );
        IInferenceLedger.DataDemandStatus s = ledger.getDataDemand(d.key).status;
        if (s != IInferenceLedger.DataDemandStatus.Answered) {
            _expectRevertWith(
                address(this),
                address(ledger),
                data,
                abi.encodeWithSelector(IInferenceLedger.LedgerDataDemandStatusInvalid.selector, d.key, s),
                "collectDataDemand"
            );
            return _end("");
        }
        if (!_expectOk(address(this), address(ledger), data, "collectDataDemand")) return _end("");
        if (ledger.getDataDemand(d.key).status != IInferenceLedger.DataDemandStatus.Collected) _fail("not collected");
        _end("collectDataDemand");
    }

    /// Expires an unanswered demand after its deadline: the commitment is slashed as if at fault.
    function expireDataDemand(uint256 demandSeed) external {
        _begin();
        uint256 n = _demands.length;
        if (n == 0) return _end("");
        DemandRec memory d = _demands[demandSeed % 4 == 0 ? demandSeed % n : _demandFrom(demandSeed, true)];
        CommitRec memory c = _commits[d.commitIndex];
        bytes memory data = abi.encodeCall(IInferenceLedger.expireDataDemand, (d.id, c.id, d.leaf, _inputHash(d)));
        IInferenceLedger.DataDemandStatus s = ledger.getDataDemand(d.key).status;
        bytes memory expected;
        if (s != IInferenceLedger.DataDemandStatus.Open) {
            expected = abi.encodeWithSelector(IInferenceLedger.LedgerDataDemandStatusInvalid.selector, d.key, s);
        } else if (currentTime <= d.deadline) {
            expected = abi.encodeWithSelector(IInferenceLedger.LedgerDataAnswerWindowOpen.selector, d.key, d.deadline);
        }
        if (expected.length != 0) {
            _expectRevertWith(address(this), address(ledger), data, expected, "expireDataDemand");
            return _end("");
        }
        uint24 openBefore = ledger.getDisputeTally(c.id).open;
        if (!_expectOk(address(this), address(ledger), data, "expireDataDemand")) return _end("");
        if (ledger.getDataDemand(d.key).status != IInferenceLedger.DataDemandStatus.Withheld) _fail("not withheld");
        if (ledger.getCommitment(c.id).status != IInferenceLedger.CommitmentStatus.Slashed) {
            _fail("a withheld input did not slash");
        }
        if (ledger.getDisputeTally(c.id).open != openBefore - 1) _fail("the demand was not released");
        _end("expireDataDemand");
    }

    /// Forfeits a commit to the treasury (mostly one still committed), only after its reveal window.
    function forfeitChallengeCommit(uint256 accSeed) external {
        _begin();
        uint256 n = _accusations.length;
        if (n == 0) return _end("");
        uint256 ai = accSeed % n;
        if (accSeed % 4 != 0) {
            for (uint256 k; k < n; ++k) {
                uint256 aj = (accSeed % n + k) % n;
                if (
                    ledger.getChallengeCommit(_accusations[aj].hash).status
                        == IInferenceLedger.ChallengeCommitStatus.Committed
                ) {
                    ai = aj;
                    break;
                }
            }
        }
        AccusationRec memory a = _accusations[ai];
        bytes memory data = abi.encodeCall(IInferenceLedger.forfeitChallengeCommit, (a.hash));
        IInferenceLedger.ChallengeCommitStatus s = ledger.getChallengeCommit(a.hash).status;
        uint256 revealDeadline = uint256(a.committedAt) + revealWindow;
        bytes memory expected;
        if (s != IInferenceLedger.ChallengeCommitStatus.Committed) {
            expected = abi.encodeWithSelector(IInferenceLedger.LedgerChallengeCommitClosed.selector, a.hash, s);
        } else if (currentTime <= revealDeadline) {
            expected = abi.encodeWithSelector(IInferenceLedger.LedgerRevealWindowOpen.selector, a.hash, revealDeadline);
        }
        if (expected.length != 0) {
            _expectRevertWith(address(this), address(ledger), data, expected, "forfeitChallengeCommit");
            return _end("");
        }
        if (!_expectOk(address(this), address(ledger), data, "forfeitChallengeCommit")) return _end("");
        if (ledger.getChallengeCommit(a.hash).status != IInferenceLedger.ChallengeCommitStatus.Forfeited) {
            _fail("not forfeited");
        }
        _end("forfeitChallengeCommit");
    }

    /// Pays a slashed commitment's reward (mostly one that is slashed and unpaid), only once it is final. With
    /// `wait`, first waits until the commitment's window has closed.
    function payChallengerReward(uint256 commitSeed, bool wait) external {
        uint256 n = _commits.length;
        if (n == 0) return _end("");
        uint256 ci = commitSeed % n;
        if (commitSeed % 4 != 0) {
            for (uint256 k; k < n; ++k) {
                uint256 cj = (commitSeed % n + k) % n;
                if (
                    ledger.getCommitment(_commits[cj].id).status == IInferenceLedger.CommitmentStatus.Slashed
                        && !ledger.getDisputeTally(_commits[cj].id).rewardPaid
                ) {
                    ci = cj;
                    break;
                }
            }
        }
        CommitRec memory c = _commits[ci];
        if (wait && currentTime <= c.deadline) currentTime = uint256(c.deadline) + 1;
        _begin();
        bytes memory data = abi.encodeCall(IInferenceLedger.payChallengerReward, (c.id));
        IInferenceLedger.DisputeTally memory tally = ledger.getDisputeTally(c.id);
        uint256 open = openAccusations(ci);
        bytes memory expected;
        if (ledger.getCommitment(c.id).status != IInferenceLedger.CommitmentStatus.Slashed || rewardSeenPaid[ci]) {
            expected = abi.encodeWithSelector(IInferenceLedger.LedgerNoReward.selector, c.id);
        } else if (open != 0 || currentTime <= c.deadline) {
            expected = abi.encodeWithSelector(
                IInferenceLedger.LedgerRewardNotFinal.selector, c.id, uint24(open), c.deadline
            );
        }
        if (expected.length != 0) {
            _expectRevertWith(address(this), address(ledger), data, expected, "payChallengerReward");
            return _end("");
        }
        if (!_expectOk(address(this), address(ledger), data, "payChallengerReward")) return _end("");
        if (!ledger.getDisputeTally(c.id).rewardPaid || tally.rewardPaid) _fail("payChallengerReward did not pay once");
        _end("payChallengerReward");
    }

    // ------------------------------------------------------------------ resolution

    function vote(uint256 arbSeed, uint256 disputeSeed, bool operatorAtFault) external {
        _begin();
        uint256 n = _disputes.length;
        for (uint256 k; k < n; ++k) {
            uint256 di = (disputeSeed % n + k) % n;
            uint256 id = _disputes[di].id;
            ICommitteeResolver.Ballot memory ballot = committee.getBallot(id);
            if (ballot.status != ICommitteeResolver.BallotStatus.Voting || currentTime > ballot.deadline) continue;
            for (uint256 a; a < _arbiters.length; ++a) {
                address arbiter = _arbiters[(arbSeed % _arbiters.length + a) % _arbiters.length];
                if (committee.hasVoted(id, arbiter)) continue;
                _castVote(di, arbiter, operatorAtFault);
                // A second vote by the same arbiter must fail.
                _expectRevert(arbiter, address(committee), abi.encodeCall(ICommitteeResolver.vote, (id, !operatorAtFault)), "double vote");
                return _end("vote");
            }
        }
        _end("");
    }

    /// Votes one open ballot to a decision on one side (a slash or a challenger fault in one action).
    function decide(uint256 arbSeed, uint256 disputeSeed, bool operatorAtFault) external {
        _begin();
        uint256 n = _disputes.length;
        for (uint256 k; k < n; ++k) {
            uint256 di = (disputeSeed % n + k) % n;
            uint256 id = _disputes[di].id;
            ICommitteeResolver.Ballot memory ballot = committee.getBallot(id);
            if (ballot.status != ICommitteeResolver.BallotStatus.Voting || currentTime > ballot.deadline) continue;
            for (uint256 a; a < _arbiters.length; ++a) {
                address arbiter = _arbiters[(arbSeed % _arbiters.length + a) % _arbiters.length];
                if (committee.hasVoted(id, arbiter)) continue;
                if (!_castVote(di, arbiter, operatorAtFault)) return _end("");
                if (committee.getBallot(id).status != ICommitteeResolver.BallotStatus.Voting) break;
            }
            if (committee.getBallot(id).status != ICommitteeResolver.BallotStatus.Decided) _fail("no decision");
            return _end("decide");
        }
        _end("");
    }

    /// One arbiter's vote, with what it must do to the ledger when it decides the ballot.
    function _castVote(uint256 di, address arbiter, bool operatorAtFault) private returns (bool) {
        uint256 id = _disputes[di].id;
        IInferenceLedger.CommitmentStatus before = ledger.getCommitment(_commits[_disputes[di].commitIndex].id).status;
        if (!_expectOk(arbiter, address(committee), abi.encodeCall(ICommitteeResolver.vote, (id, operatorAtFault)), "vote")) {
            return false;
        }
        ICommitteeResolver.Ballot memory ballot = committee.getBallot(id);
        IInferenceLedger.DisputeStatus ds = ledger.getDispute(id).status;
        if (ballot.status == ICommitteeResolver.BallotStatus.Decided) {
            IInferenceLedger.DisputeStatus want =
                operatorAtFault ? IInferenceLedger.DisputeStatus.OperatorFault : IInferenceLedger.DisputeStatus.ChallengerFault;
            if (ds != want) _fail("decided ballot not reported to the ledger");
            _checkAfterClose(di, before);
        } else if (ds != IInferenceLedger.DisputeStatus.Open) {
            _fail("dispute closed without a decision");
        }
        return true;
    }

    function closeWithoutQuorum(uint256 disputeSeed) external {
        _begin();
        if (_disputes.length == 0) return _end("");
        uint256 di = disputeSeed % 4 == 0 ? disputeSeed % _disputes.length : _openDisputeFrom(disputeSeed);
        uint256 id = _disputes[di].id;
        ICommitteeResolver.Ballot memory ballot = committee.getBallot(id);
        bytes memory data = abi.encodeCall(ICommitteeResolver.closeWithoutQuorum, (id));
        bool ledgerOpen = ledger.getDispute(id).status == IInferenceLedger.DisputeStatus.Open;
        if (ballot.status != ICommitteeResolver.BallotStatus.Voting || currentTime <= ballot.deadline) {
            _expectRevert(address(this), address(committee), data, "closed a ballot that cannot close");
            return _end("");
        }
        if (!ledgerOpen) {
            // The ledger expired the dispute first. The ballot still closes, and the ledger's outcome and every
            // balance stay as they are (the terminal-state sweep and the invariants check it).
            if (!_expectOk(address(this), address(committee), data, "closeWithoutQuorum after expiry")) return _end("");
            return _end("closeAfterExpiry");
        }
        IInferenceLedger.CommitmentStatus before = ledger.getCommitment(_commits[_disputes[di].commitIndex].id).status;
        if (!_expectOk(address(this), address(committee), data, "closeWithoutQuorum")) return _end("");
        if (ledger.getDispute(id).status != IInferenceLedger.DisputeStatus.NoFault) _fail("no quorum is not no fault");
        _checkAfterClose(di, before);
        _end("closeWithoutQuorum");
    }

    function expireDispute(uint256 disputeSeed) external {
        _begin();
        if (_disputes.length == 0) return _end("");
        uint256 di = disputeSeed % 4 == 0 ? disputeSeed % _disputes.length : _openDisputeFrom(disputeSeed);
        DisputeRec memory d = _disputes[di];
        bytes memory data = abi.encodeCall(IInferenceLedger.expireDispute, (d.id));
        if (ledger.getDispute(d.id).status != IInferenceLedger.DisputeStatus.Open || currentTime <= d.openedAt + maxDispute) {
            _expectRevert(address(this), address(ledger), data, "expired a dispute that cannot expire");
            return _end("");
        }
        IInferenceLedger.CommitmentStatus before = ledger.getCommitment(_commits[d.commitIndex].id).status;
        if (!_expectOk(address(this), address(ledger), data, "expireDispute")) return _end("");
        if (ledger.getDispute(d.id).status != IInferenceLedger.DisputeStatus.NoFault) _fail("expiry is not no fault");
        _checkAfterClose(di, before);
        _end("expireDispute");
    }

    // ------------------------------------------------------------------ time

    /// Moves time by up to two hours (inside a challenge window or a demand's answer window) or up to three days
    /// (past windows, ballots and dispute bounds), half the time each.
    function warp(uint256 dt) external {
        currentTime += dt % 2 == 0 ? _bound(dt >> 1, 1, 2 hours) : _bound(dt >> 1, 1, 3 days);
        _begin();
        _end("warp");
    }

    /// Lands exactly on (or one second past) a deadline the protocol checks: a challenge deadline, a ballot's end,
    /// a dispute's expiry, a withdrawal's readiness, a commit's reveal deadline or a demand's answer deadline.
    function warpToBoundary(uint256 seed) external {
        uint256 target;
        uint256 pick = seed >> 8;
        uint256 kind = seed % 6;
        if (kind == 0 && _commits.length > 0) {
            target = _commits[pick % _commits.length].deadline;
        } else if (kind == 1 && _disputes.length > 0) {
            target = committee.getBallot(_disputes[_openDisputeFrom(pick)].id).deadline;
        } else if (kind == 2 && _disputes.length > 0) {
            target = _disputes[_openDisputeFrom(pick)].openedAt + maxDispute;
        } else if (kind == 4 && _accusations.length > 0) {
            target = uint256(_accusations[pick % _accusations.length].committedAt) + revealWindow;
        } else if (kind == 5 && _demands.length > 0) {
            target = _demands[_demandFrom(pick, true)].deadline;
        } else {
            kind = 3;
            target = stakeManager.withdrawalOf(_operatorWithWithdrawal(pick)).readyAt;
            if (target > 0) target -= (seed >> 16) % 2; // one second early, or on time
        }
        if (kind != 3) target += (seed >> 16) % 2; // on the deadline, or one second past it
        if (target > currentTime) currentTime = target;
        _begin();
        _end("warpToBoundary");
    }

    // ------------------------------------------------------------------ internals

    function _begin() private {
        vm.warp(currentTime);
    }

    /// Records coverage, checks that terminal states stayed terminal and books every payout the action caused.
    function _end(string memory action) private {
        if (bytes(action).length > 0) ++calls[keccak256(bytes(action))];
        for (uint256 i; i < _commits.length; ++i) {
            IInferenceLedger.CommitmentStatus s = ledger.getCommitment(_commits[i].id).status;
            IInferenceLedger.CommitmentStatus t = commitTerminal[i];
            if (t != IInferenceLedger.CommitmentStatus.None) {
                if (s != t) _fail("a settled or slashed commitment changed status");
            } else if (s == IInferenceLedger.CommitmentStatus.Settled || s == IInferenceLedger.CommitmentStatus.Slashed) {
                commitTerminal[i] = s;
            } else if (s == IInferenceLedger.CommitmentStatus.None) {
                _fail("a commitment vanished");
            }
        }
        for (uint256 i; i < _disputes.length; ++i) {
            uint256 id = _disputes[i].id;
            IInferenceLedger.DisputeStatus s = ledger.getDispute(id).status;
            IInferenceLedger.DisputeStatus t = disputeTerminal[i];
            if (t != IInferenceLedger.DisputeStatus.None) {
                if (s != t) _fail("a closed dispute changed status");
            } else if (s != IInferenceLedger.DisputeStatus.Open) {
                disputeTerminal[i] = s;
            }
            ICommitteeResolver.BallotStatus b = committee.getBallot(id).status;
            ICommitteeResolver.BallotStatus bt = ballotTerminal[i];
            if (bt != ICommitteeResolver.BallotStatus.None) {
                if (b != bt) _fail("a closed ballot changed status");
            } else if (b == ICommitteeResolver.BallotStatus.Decided || b == ICommitteeResolver.BallotStatus.NoQuorum) {
                ballotTerminal[i] = b;
            }
        }
        for (uint256 i; i < _accusations.length; ++i) {
            IInferenceLedger.ChallengeCommitStatus s = ledger.getChallengeCommit(_accusations[i].hash).status;
            IInferenceLedger.ChallengeCommitStatus t = accusationTerminal[i];
            if (t != IInferenceLedger.ChallengeCommitStatus.None) {
                if (s != t) _fail("a revealed or forfeited commit changed status");
            } else if (s == IInferenceLedger.ChallengeCommitStatus.Revealed || s == IInferenceLedger.ChallengeCommitStatus.Forfeited) {
                accusationTerminal[i] = s;
            } else if (s != IInferenceLedger.ChallengeCommitStatus.Committed) {
                _fail("a commit vanished");
            }
        }
        for (uint256 i; i < _demands.length; ++i) {
            IInferenceLedger.DataDemandStatus s = ledger.getDataDemand(_demands[i].key).status;
            IInferenceLedger.DataDemandStatus t = demandSeen[i];
            if (t == IInferenceLedger.DataDemandStatus.Answered) {
                // Answered is final for the demand; only its deposit may still be collected.
                if (s != t && s != IInferenceLedger.DataDemandStatus.Collected) _fail("an answered demand changed");
            } else if (t != IInferenceLedger.DataDemandStatus.None && s != t) {
                _fail("a collected or withheld demand changed status");
            }
            if (s == IInferenceLedger.DataDemandStatus.None) _fail("a demand vanished");
            if (s != IInferenceLedger.DataDemandStatus.Open) demandSeen[i] = s;
        }
        _sweep();
    }

    /// Books the credits of every payout that happened since the last sweep, computed from the rules, and checks
    /// the reward bookkeeping: a slashed commitment's claimant is always its earliest-committed proven accusation,
    /// its reward is paid once, after its window, with nothing open, and never moves again.
    function _sweep() private {
        for (uint256 i; i < _disputes.length; ++i) {
            if (_disputeBooked[i]) continue;
            DisputeRec memory d = _disputes[i];
            IInferenceLedger.DisputeStatus s = ledger.getDispute(d.id).status;
            if (s == IInferenceLedger.DisputeStatus.Open) continue;
            _disputeBooked[i] = true;
            uint256 burned = d.bond * burnBps / BPS;
            if (s == IInferenceLedger.DisputeStatus.OperatorFault) {
                ghostCredit[d.challenger] += d.bond;
            } else if (s == IInferenceLedger.DisputeStatus.ChallengerFault) {
                ghostCredit[_commits[d.commitIndex].operator] += d.bond - burned;
                ghostCredit[treasury] += burned;
            } else {
                ghostCredit[d.challenger] += d.bond - burned;
                ghostCredit[treasury] += burned;
            }
        }
        for (uint256 i; i < _demands.length; ++i) {
            if (_demandBooked[i]) continue;
            IInferenceLedger.DataDemandStatus s = ledger.getDataDemand(_demands[i].key).status;
            if (s == IInferenceLedger.DataDemandStatus.Collected) {
                ghostCredit[_commits[_demands[i].commitIndex].operator] += deposit_;
            } else if (s == IInferenceLedger.DataDemandStatus.Withheld) {
                ghostCredit[_demands[i].demander] += deposit_;
            } else {
                continue;
            }
            _demandBooked[i] = true;
        }
        for (uint256 i; i < _accusations.length; ++i) {
            if (_forfeitBooked[i]) continue;
            if (ledger.getChallengeCommit(_accusations[i].hash).status == IInferenceLedger.ChallengeCommitStatus.Forfeited) {
                _forfeitBooked[i] = true;
                ghostCredit[treasury] += deposit_;
            }
        }
        for (uint256 ci; ci < _commits.length; ++ci) _sweepCommitment(ci);
    }

    function _sweepCommitment(uint256 ci) private {
        CommitRec memory c = _commits[ci];
        IInferenceLedger.CommitmentStatus s = ledger.getCommitment(c.id).status;
        IInferenceLedger.DisputeTally memory tally = ledger.getDisputeTally(c.id);
        (uint256 provenId, address provenBy) = lowestProven(ci);
        uint256 open = openAccusations(ci);
        if (tally.open != open) _fail("open accusations miscounted");
        if (s == IInferenceLedger.CommitmentStatus.Disputed && open == 0) _fail("disputed without an open accusation");
        if ((s == IInferenceLedger.CommitmentStatus.Pending || s == IInferenceLedger.CommitmentStatus.Settled) && open != 0) {
            _fail("an accused commitment is not disputed");
        }
        if (s != IInferenceLedger.CommitmentStatus.Slashed) {
            if (provenId != 0) _fail("a proven fault did not slash");
            if (tally.rewardPaid) _fail("a reward paid on an unslashed commitment");
            return;
        }
        uint256 reward = rewardOf(ci);
        if (!_slashBooked[ci]) {
            _slashBooked[ci] = true;
            ghostSlashed[c.operator] += c.bond;
            ghostCredit[treasury] += c.bond - reward;
        }
        if (provenId == 0) _fail("slashed without a proven accusation");
        if (rewardSeenPaid[ci]) {
            if (!tally.rewardPaid || tally.rewardee != rewardPaidTo[ci] || tally.rewardAccusation != rewardPaidFor[ci]) {
                _fail("a paid reward moved");
            }
            return;
        }
        if (tally.rewardAccusation != provenId || tally.rewardee != provenBy) {
            _fail("the reward claimant is not the earliest-committed proven accusation");
        }
        if (!tally.rewardPaid) return;
        if (currentTime <= c.deadline || open != 0) _fail("a reward paid before it was final");
        rewardSeenPaid[ci] = true;
        rewardPaidTo[ci] = tally.rewardee;
        rewardPaidFor[ci] = tally.rewardAccusation;
        ghostCredit[provenBy] += reward;
        ++rewardsPaid;
    }

    /// After an accusation closed: a pending commitment whose last accusation closed is pending again.
    function _checkReleased(bytes32 id, IInferenceLedger.CommitmentStatus before, uint24 openBefore) private {
        IInferenceLedger.CommitmentStatus after_ = ledger.getCommitment(id).status;
        uint24 open = ledger.getDisputeTally(id).open;
        if (open != openBefore - 1) _fail("the accusation was not released");
        if (before == IInferenceLedger.CommitmentStatus.Disputed) {
            if (after_ != (open == 0 ? IInferenceLedger.CommitmentStatus.Pending : IInferenceLedger.CommitmentStatus.Disputed)) {
                _fail("status after a released accusation");
            }
        } else if (after_ != before) {
            _fail("a released accusation moved a closed commitment");
        }
    }

    /// The status a closed dispute must leave its commitment in.
    function _checkAfterClose(uint256 di, IInferenceLedger.CommitmentStatus commitBefore) private {
        DisputeRec memory d = _disputes[di];
        CommitRec memory c = _commits[d.commitIndex];
        IInferenceLedger.DisputeStatus s = ledger.getDispute(d.id).status;
        IInferenceLedger.CommitmentStatus after_ = ledger.getCommitment(c.id).status;
        if (s == IInferenceLedger.DisputeStatus.OperatorFault) {
            if (after_ != IInferenceLedger.CommitmentStatus.Slashed) _fail("operator fault did not slash");
        } else if (s == IInferenceLedger.DisputeStatus.Open || s == IInferenceLedger.DisputeStatus.None) {
            _fail("dispute still open after closing");
        } else if (after_ != commitBefore && after_ != IInferenceLedger.CommitmentStatus.Pending) {
            _fail("status after a challenger fault or no fault");
        }
        if (after_ == IInferenceLedger.CommitmentStatus.Disputed && ledger.getDisputeTally(c.id).open == 0) {
            _fail("disputed commitment without open disputes");
        }
    }

    /// An operator with a pending withdrawal, searching from `seed` (or the seed's own pick when none has one).
    function _operatorWithWithdrawal(uint256 seed) private view returns (address) {
        for (uint256 k; k < 3; ++k) {
            address op = _operators[(seed % 3 + k) % 3];
            if (stakeManager.withdrawalOf(op).amount > 0) return op;
        }
        return _operators[seed % 3];
    }

    /// The first dispute from `seed` on that is still open at the ledger (or the seed's own pick).
    function _openDisputeFrom(uint256 seed) private view returns (uint256) {
        uint256 n = _disputes.length;
        for (uint256 k; k < n; ++k) {
            uint256 di = (seed % n + k) % n;
            if (ledger.getDispute(_disputes[di].id).status == IInferenceLedger.DisputeStatus.Open) return di;
        }
        return seed % n;
    }

    /// The first demand from `seed` on that is open (or answered, when `open` is false), or the seed's own pick.
    function _demandFrom(uint256 seed, bool open) private view returns (uint256) {
        uint256 n = _demands.length;
        IInferenceLedger.DataDemandStatus want =
            open ? IInferenceLedger.DataDemandStatus.Open : IInferenceLedger.DataDemandStatus.Answered;
        for (uint256 k; k < n; ++k) {
            uint256 di = (seed % n + k) % n;
            if (ledger.getDataDemand(_demands[di].key).status == want) return di;
        }
        return seed % n;
    }

    /// Operators, challengers and the treasury, by index modulo 7.
    function _accountAt(uint256 seed) private view returns (address) {
        uint256 i = seed % 7;
        if (i < 3) return _operators[i];
        if (i < 6) return _challengers[i - 3];
        return treasury;
    }

    function _fail(string memory why) private {
        if (violations == 0) firstViolation = why;
        ++violations;
    }

    function _expectOk(address sender, address target, bytes memory data, string memory what) private returns (bool ok) {
        bytes memory ret;
        vm.prank(sender);
        (ok, ret) = target.call(data);
        if (!ok) _fail(string.concat(what, " reverted: ", _hexSelector(ret)));
    }

    function _expectRevert(address sender, address target, bytes memory data, string memory what) private {
        vm.prank(sender);
        (bool ok,) = target.call(data);
        if (ok) _fail(what);
    }

    /// Expects exactly the revert data `expected`.
    function _expectRevertWith(address sender, address target, bytes memory data, bytes memory expected, string memory what)
        private
    {
        vm.prank(sender);
        (bool ok, bytes memory ret) = target.call(data);
        if (ok) _fail(string.concat(what, " succeeded against the rules"));
        else if (keccak256(ret) != keccak256(expected)) {
            _fail(string.concat(what, " reverted with ", _hexSelector(ret), " instead of ", _hexSelector(expected)));
        }
    }

    function _deposit(address payer, address op, uint256 amount) private {
        token.mint(payer, amount);
        vm.prank(payer);
        token.approve(address(stakeManager), amount);
        bytes memory data = payer == op
            ? abi.encodeCall(IStakeManager.deposit, (amount))
            : abi.encodeCall(IStakeManager.depositFor, (op, amount));
        if (_expectOk(payer, address(stakeManager), data, "deposit")) {
            ghostDeposited[op] += amount;
            ghostTokensIn += amount;
        }
    }

    function _fundBond(address who, uint256 bond) private {
        token.mint(who, bond);
        vm.prank(who);
        token.approve(address(stakeManager), bond);
    }

    function _fundReserve(address op, uint256 amount) private {
        if (_expectOk(op, address(ledger), abi.encodeCall(IInferenceLedger.fundBondReserve, (amount)), "fundBondReserve")) {
            ghostReserve[op] += amount;
        }
    }

    /// The bytes of input `i` of commitment `ci`: its committed input hash is their keccak256.
    function _input(uint256 ci, uint256 i) private view returns (bytes memory) {
        return abi.encode(_itemSalts[ci], ci, i, "input");
    }

    function _inputHash(DemandRec memory d) private view returns (bytes32) {
        return _items[d.commitIndex][d.leaf].inputHash;
    }

    function _commit(address op, uint8 model, uint256 size, bytes32 salt) private {
        uint256 bond = bondPer[model] * size;
        uint256 reserve = ledger.bondReserveOf(op);
        if (reserve < bond) {
            uint256 need = bond - reserve;
            uint256 free = stakeManager.stakeOf(op).free;
            if (free < need) _deposit(op, op, need - free);
            _fundReserve(op, need);
        }
        uint256 ci = _commits.length;
        IInferenceLedger.Inference[] memory items = new IInferenceLedger.Inference[](size);
        bytes32[] memory leaves = new bytes32[](size);
        for (uint256 i; i < size; ++i) {
            items[i] = IInferenceLedger.Inference({
                requestId: keccak256(abi.encode(salt, ci, i, "request")),
                inputHash: keccak256(abi.encode(salt, ci, i, "input")),
                outputHash: keccak256(abi.encode(salt, ci, i, "output"))
            });
            leaves[i] = NaiveMerkle.leaf(items[i]);
        }
        bytes memory data = size == 1
            ? abi.encodeCall(IInferenceLedger.commit, (models[model], items[0].requestId, items[0].inputHash, items[0].outputHash))
            : abi.encodeCall(IInferenceLedger.commitBatch, (models[model], items));
        vm.prank(op);
        (bool ok, bytes memory ret) = address(ledger).call(data);
        if (!ok) {
            _fail(string.concat("commit reverted: ", _hexSelector(ret)));
            return;
        }
        bytes32 id = abi.decode(ret, (bytes32));
        ghostReserve[op] -= bond;
        if (id != ledger.computeCommitmentId(models[model], op, NaiveMerkle.root(leaves))) {
            _fail("commitment id is not built from the recomputed root");
        }
        _commits.push(
            CommitRec({
                id: id,
                operator: op,
                model: model,
                count: uint24(size),
                bond: bond,
                deadline: uint40(currentTime + windowOf[model])
            })
        );
        _itemSalts[ci] = salt;
        for (uint256 i; i < size; ++i) _items[ci].push(items[i]);
        if (ledger.getCommitment(id).challengeDeadline != currentTime + windowOf[model]) _fail("deadline");
    }

    function _proof(uint256 ci, uint256 leaf) private view returns (bytes32[] memory) {
        IInferenceLedger.Inference[] storage items = _items[ci];
        bytes32[] memory leaves = new bytes32[](items.length);
        for (uint256 i; i < items.length; ++i) leaves[i] = NaiveMerkle.leaf(items[i]);
        return NaiveMerkle.proof(leaves, leaf);
    }

    /// The first commitment from `seed` on that can still be challenged.
    function _findChallengeable(uint256 seed) private view returns (bool, uint256) {
        uint256 n = _commits.length;
        for (uint256 k; k < n; ++k) {
            uint256 ci = (seed % n + k) % n;
            IInferenceLedger.CommitmentStatus s = ledger.getCommitment(_commits[ci].id).status;
            if (
                (s == IInferenceLedger.CommitmentStatus.Pending || s == IInferenceLedger.CommitmentStatus.Disputed)
                    && currentTime <= _commits[ci].deadline
            ) return (true, ci);
        }
        return (false, 0);
    }

    /// Posts a challenge commit for an accusation of inference `leaf` of commitment `ci` (`claim` zero for a data
    /// demand) by a challenger drawn from `chSeed`; returns its index, or the maximum when it failed.
    function _commitAccusation(uint256 chSeed, uint256 ci, uint256 leaf, bytes32 claim, bool forged)
        private
        returns (uint256 ai)
    {
        address who = _challengers[chSeed % _challengers.length];
        bytes32 salt = keccak256(abi.encode(chSeed, _accusations.length, "salt"));
        bytes32 h = ledger.computeChallengeCommit(who, _commits[ci].id, leaf, claim, salt);
        _fundBond(who, deposit_);
        vm.prank(who);
        (bool ok, bytes memory ret) = address(ledger).call(abi.encodeCall(IInferenceLedger.commitChallenge, (h)));
        if (!ok) {
            _fail(string.concat("commitChallenge reverted: ", _hexSelector(ret)));
            return type(uint256).max;
        }
        uint256 id = abi.decode(ret, (uint256));
        if (id != _accusations.length + 1 || id != ledger.disputeCount()) _fail("commit ids are not one sequence");
        IInferenceLedger.ChallengeCommit memory record = ledger.getChallengeCommit(h);
        if (record.id != id || record.committedAt != currentTime) _fail("commit record");
        ai = _accusations.length;
        _accusations.push(
            AccusationRec({
                hash: h,
                id: id,
                challenger: who,
                commitIndex: ci,
                leaf: leaf,
                claim: claim,
                salt: salt,
                committedAt: uint40(currentTime),
                forged: forged
            })
        );
        ghostTokensIn += deposit_;
    }

    /// What the rules say a reveal of accusation `a` must revert with now (empty: it must succeed), checked in the
    /// ledger's order.
    function _expectedRevealError(AccusationRec memory a) private view returns (bytes memory) {
        CommitRec memory c = _commits[a.commitIndex];
        IInferenceLedger.CommitmentStatus s = ledger.getCommitment(c.id).status;
        if (s == IInferenceLedger.CommitmentStatus.Settled) {
            return abi.encodeWithSelector(IInferenceLedger.LedgerCommitmentStatusInvalid.selector, c.id, s);
        }
        if (currentTime > c.deadline) {
            return abi.encodeWithSelector(IInferenceLedger.LedgerChallengeWindowClosed.selector, c.id, c.deadline);
        }
        IInferenceLedger.ChallengeCommitStatus cs = ledger.getChallengeCommit(a.hash).status;
        if (cs != IInferenceLedger.ChallengeCommitStatus.Committed) {
            return abi.encodeWithSelector(IInferenceLedger.LedgerChallengeCommitClosed.selector, a.hash, cs);
        }
        uint256 revealDeadline = uint256(a.committedAt) + revealWindow;
        if (currentTime > revealDeadline) {
            return abi.encodeWithSelector(IInferenceLedger.LedgerRevealWindowClosed.selector, a.hash, revealDeadline);
        }
        if (s == IInferenceLedger.CommitmentStatus.Slashed) {
            (uint256 claimant,) = lowestProven(a.commitIndex);
            if (a.id > claimant) {
                return abi.encodeWithSelector(IInferenceLedger.LedgerAccusationTooLate.selector, c.id, a.id, claimant);
            }
        }
        return "";
    }

    /// Reveals accusation `ai` with its honest inference and proof; returns whether it was revealed.
    function _reveal(uint256 ai) private returns (bool) {
        AccusationRec memory a = _accusations[ai];
        CommitRec memory c = _commits[a.commitIndex];
        bool asDemand = a.claim == bytes32(0);
        bytes memory expected = _expectedRevealError(a);
        IInferenceLedger.Inference memory inf = _items[a.commitIndex][a.leaf];
        bytes32[] memory proof = _proof(a.commitIndex, a.leaf);
        bytes memory data = asDemand
            ? abi.encodeCall(IInferenceLedger.demandData, (c.id, a.leaf, inf, proof, a.salt))
            : abi.encodeCall(IInferenceLedger.challenge, (c.id, a.leaf, inf, proof, a.claim, a.salt));
        uint256 topUp = asDemand ? 0 : challengerBondOf[c.model] - deposit_;
        if (topUp > 0) _fundBond(a.challenger, topUp);
        IInferenceLedger.CommitmentStatus before = ledger.getCommitment(c.id).status;
        uint24 openBefore = ledger.getDisputeTally(c.id).open;
        vm.prank(a.challenger);
        (bool ok, bytes memory ret) = address(ledger).call(data);
        if (!ok) {
            if (expected.length == 0) _fail(string.concat("reveal reverted: ", _hexSelector(ret)));
            else if (keccak256(ret) != keccak256(expected)) {
                _fail(string.concat("reveal refused with ", _hexSelector(ret), " instead of ", _hexSelector(expected)));
            }
            return false;
        }
        if (expected.length != 0) _fail(string.concat("reveal accepted against ", _hexSelector(expected)));
        if (abi.decode(ret, (uint256)) != a.id) _fail("the reveal's id is not its commit's");
        if (ledger.getChallengeCommit(a.hash).status != IInferenceLedger.ChallengeCommitStatus.Revealed) {
            _fail("commit not marked revealed");
        }
        if (ledger.getDisputeTally(c.id).open != openBefore + 1) _fail("the accusation is not counted open");
        IInferenceLedger.CommitmentStatus after_ = ledger.getCommitment(c.id).status;
        if (after_ != (before == IInferenceLedger.CommitmentStatus.Slashed ? before : IInferenceLedger.CommitmentStatus.Disputed)) {
            _fail("an accused commitment is not disputed");
        }
        if (asDemand) {
            bytes32 key = ledger.computeDemandKey(a.id, c.id, a.leaf, inf.inputHash);
            IInferenceLedger.DataDemand memory d = ledger.getDataDemand(key);
            uint40 deadline = uint40(currentTime + answerWindow);
            if (d.demander != a.challenger || d.deadline != deadline || d.status != IInferenceLedger.DataDemandStatus.Open) {
                _fail("demand record");
            }
            _demands.push(
                DemandRec({
                    id: a.id,
                    commitIndex: a.commitIndex,
                    leaf: a.leaf,
                    demander: a.challenger,
                    key: key,
                    deadline: deadline
                })
            );
        } else {
            _disputes.push(
                DisputeRec({
                    id: a.id,
                    commitIndex: a.commitIndex,
                    challenger: a.challenger,
                    bond: challengerBondOf[c.model],
                    openedAt: uint40(currentTime)
                })
            );
            ghostTokensIn += topUp;
            IInferenceLedger.Dispute memory d = ledger.getDispute(a.id);
            if (d.challenger != a.challenger || d.status != IInferenceLedger.DisputeStatus.Open || d.bond != challengerBondOf[c.model]) {
                _fail("dispute record");
            }
        }
        return true;
    }

    function _hexSelector(bytes memory ret) private pure returns (string memory) {
        if (ret.length < 4) return "(no data)";
        bytes memory out = new bytes(10);
        bytes16 digits = "0123456789abcdef";
        out[0] = "0";
        out[1] = "x";
        for (uint256 i; i < 4; ++i) {
            out[2 + 2 * i] = digits[uint8(ret[i]) >> 4];
            out[3 + 2 * i] = digits[uint8(ret[i]) & 0x0f];
        }
        return string(out);
    }
}
