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
/// commitments by several operators, challenge commits (some never revealed, then forfeited), reveals as disputes
/// (with proofs it computes itself) or data demands, published and withheld inputs, committee votes, challenger
/// rewards, settlement, claims and time. It records what it did and what it observed in ghost variables; anything that should have
/// reverted but did not (or the reverse) is recorded as a violation instead of reverting, so the invariant
/// run reports it.
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

    /// A challenge commit: what it will reveal, and whether it was.
    struct AccusationCommit {
        bytes32 hash;
        uint256 id;
        address challenger;
        uint256 commitIndex;
        uint256 leaf;
        bytes32 claim; // zero for a data demand
        bytes32 salt;
        uint40 committedAt;
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
    mapping(uint256 commitIndex => bytes32) private _salts; // inputs are abi.encode(salt, ci, i, "input")
    DisputeRec[] private _disputes;
    AccusationCommit[] private _accusationCommits;
    DemandRec[] private _demands;
    /// The reward of a slashed commitment was seen paid.
    mapping(uint256 commitIndex => bool) private _rewardSeenPaid;

    // ------------------------------------------------------------------ ghosts

    mapping(address => uint256) public ghostDeposited; // stake deposited for an operator
    mapping(address => uint256) public ghostSlashed; // stake slashed from an operator
    mapping(address => uint256) public ghostWithdrawn; // stake paid out by completeWithdrawal
    mapping(address => uint256) public ghostPending; // requested and neither cancelled nor paid
    mapping(address => uint256) public ghostReserve; // funded - released - committed + settled
    mapping(address => uint256) public ghostCredit; // credits expected from the dispute outcomes, less claims
    uint256 public ghostTokensIn; // every token the stake manager was sent
    uint256 public ghostTokensOut; // every token it paid

    /// The first terminal status observed (0 while none).
    mapping(uint256 commitIndex => IInferenceLedger.CommitmentStatus) public commitTerminal;
    mapping(uint256 disputeIndex => IInferenceLedger.DisputeStatus) public disputeTerminal;
    mapping(uint256 disputeIndex => ICommitteeResolver.BallotStatus) public ballotTerminal;
    mapping(uint256 accusationCommitIndex => IInferenceLedger.ChallengeCommitStatus) public commitRecordTerminal;
    mapping(uint256 demandIndex => IInferenceLedger.DataDemandStatus) public demandTerminal;

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

    function accusationCommitCount() external view returns (uint256) {
        return _accusationCommits.length;
    }

    function demandCount() external view returns (uint256) {
        return _demands.length;
    }

    /// What the vault must hold in escrow: bonds of open disputes, deposits of commits not yet revealed or
    /// forfeited, deposits of demands not yet collected or refunded, and the unpaid rewards of slashed commitments.
    function expectedEscrow() external view returns (uint256 escrow) {
        for (uint256 i; i < _disputes.length; ++i) {
            if (ledger.getDispute(_disputes[i].id).status == IInferenceLedger.DisputeStatus.Open) escrow += _disputes[i].bond;
        }
        for (uint256 i; i < _accusationCommits.length; ++i) {
            if (ledger.getChallengeCommit(_accusationCommits[i].hash).status == IInferenceLedger.ChallengeCommitStatus.Committed) {
                escrow += deposit_;
            }
        }
        for (uint256 i; i < _demands.length; ++i) {
            IInferenceLedger.DataDemandStatus s = ledger.getDataDemand(_demands[i].key).status;
            if (s == IInferenceLedger.DataDemandStatus.Open || s == IInferenceLedger.DataDemandStatus.Answered) {
                escrow += deposit_;
            }
        }
        for (uint256 i; i < _commits.length; ++i) {
            bytes32 id = _commits[i].id;
            if (
                ledger.getCommitment(id).status == IInferenceLedger.CommitmentStatus.Slashed
                    && !ledger.getDisputeTally(id).rewardPaid
            ) escrow += _commits[i].bond * rewardBps / BPS;
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

    function completeWithdrawal(uint256 opSeed) external {
        _begin();
        address op = _operatorWithWithdrawal(opSeed);
        IStakeManager.Withdrawal memory w = stakeManager.withdrawalOf(op);
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
                if (stakeManager.creditOf(_accountAt(actorSeed + k)) > 0) {
                    who = _accountAt(actorSeed + k);
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
                uint256 cj = (commitSeed + k) % _commits.length;
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

    // ------------------------------------------------------------------ disputes

    /// Commits and at once reveals a dispute of a commitment that can still be challenged.
    function challenge(uint256 chSeed, uint256 commitSeed, uint256 leafSeed) external {
        _begin();
        (bool found, uint256 ci) = _findChallengeable(commitSeed);
        if (!found) return _end("");
        uint256 ai = _commitAccusation(chSeed, ci, leafSeed % _commits[ci].count, keccak256(abi.encode("claimed", leafSeed)));
        if (ai == type(uint256).max) return _end("");
        _reveal(ai);
        _end("challenge");
    }

    /// Posts a challenge commit (a dispute, or a data demand) to be revealed later, or never.
    function commitAccusation(uint256 chSeed, uint256 commitSeed, uint256 leafSeed, bool demand) external {
        _begin();
        if (_commits.length == 0) return _end("");
        (bool found, uint256 ci) = _findChallengeable(commitSeed);
        if (!found) ci = commitSeed % _commits.length;
        bytes32 claim = demand ? bytes32(0) : keccak256(abi.encode("claimed", leafSeed));
        if (_commitAccusation(chSeed, ci, leafSeed % _commits[ci].count, claim) == type(uint256).max) return _end("");
        _end("commitAccusation");
    }

    /// Reveals a commit not yet revealed: accepted exactly when the protocol says it may be.
    function reveal(uint256 seed) external {
        _begin();
        uint256 n = _accusationCommits.length;
        for (uint256 k; k < n; ++k) {
            uint256 ai = (seed + k) % n;
            if (ledger.getChallengeCommit(_accusationCommits[ai].hash).status == IInferenceLedger.ChallengeCommitStatus.Committed) {
                _reveal(ai);
                return _end("reveal");
            }
        }
        _end("");
    }

    /// Commits that were never revealed go to the treasury, after their reveal window only.
    function forfeit(uint256 seed) external {
        _begin();
        uint256 n = _accusationCommits.length;
        if (n == 0) return _end("");
        AccusationCommit memory a = _accusationCommits[seed % n];
        bytes memory data = abi.encodeCall(IInferenceLedger.forfeitChallengeCommit, (a.hash));
        if (
            ledger.getChallengeCommit(a.hash).status != IInferenceLedger.ChallengeCommitStatus.Committed
                || currentTime <= a.committedAt + revealWindow
        ) {
            _expectRevert(address(this), address(ledger), data, "forfeited a commit that cannot be");
            return _end("");
        }
        if (_expectOk(address(this), address(ledger), data, "forfeitChallengeCommit")) ghostCredit[treasury] += deposit_;
        _end("forfeit");
    }

    /// Publishes the input of an open demand (after a wrong one is refused), or collects the deposit of an
    /// answered one — whichever the first such demand from `seed` allows now.
    function answerDemand(uint256 seed) external {
        _begin();
        uint256 n = _demands.length;
        for (uint256 k; k < n; ++k) {
            uint256 di = (seed + k) % n;
            DemandRec memory d = _demands[di];
            CommitRec memory c = _commits[d.commitIndex];
            IInferenceLedger.DataDemandStatus s = ledger.getDataDemand(d.key).status;
            bytes memory input = abi.encode(_salts[d.commitIndex], d.commitIndex, d.leaf, "input");
            if (s == IInferenceLedger.DataDemandStatus.Open && currentTime <= d.deadline) {
                bytes memory wrong = abi.encodeCall(IInferenceLedger.publishInput, (d.id, c.id, d.leaf, abi.encode(input, seed)));
                _expectRevert(c.operator, address(ledger), wrong, "published an input that is not the committed one");
                bytes memory answer = abi.encodeCall(IInferenceLedger.publishInput, (d.id, c.id, d.leaf, input));
                if (!_expectOk(c.operator, address(ledger), answer, "publishInput")) return _end("");
                if (ledger.getCommitment(c.id).status != IInferenceLedger.CommitmentStatus.Slashed) _checkOpenStatus(c.id);
                return _end("publishInput");
            }
            if (s == IInferenceLedger.DataDemandStatus.Answered) {
                bytes32 inputHash = _items[d.commitIndex][d.leaf].inputHash;
                bytes memory collect = abi.encodeCall(IInferenceLedger.collectDataDemand, (d.id, c.id, d.leaf, inputHash));
                if (_expectOk(address(this), address(ledger), collect, "collectDataDemand")) ghostCredit[c.operator] += deposit_;
                return _end("collectDataDemand");
            }
        }
        _end("");
    }

    /// Expires a demand whose input was withheld: refused before its deadline, on a closed demand, or after an
    /// answer; otherwise the commitment is slashed as if at fault and the deposit refunded.
    function expireDemand(uint256 seed) external {
        _begin();
        uint256 n = _demands.length;
        if (n == 0) return _end("");
        DemandRec memory d = _demands[seed % n];
        CommitRec memory c = _commits[d.commitIndex];
        bytes32 inputHash = _items[d.commitIndex][d.leaf].inputHash;
        bytes memory expiry = abi.encodeCall(IInferenceLedger.expireDataDemand, (d.id, c.id, d.leaf, inputHash));
        if (ledger.getDataDemand(d.key).status != IInferenceLedger.DataDemandStatus.Open || currentTime <= d.deadline) {
            _expectRevert(address(this), address(ledger), expiry, "expired a demand that cannot expire");
            return _end("");
        }
        bytes memory late = abi.encodeCall(
            IInferenceLedger.publishInput, (d.id, c.id, d.leaf, abi.encode(_salts[d.commitIndex], d.commitIndex, d.leaf, "input"))
        );
        _expectRevert(c.operator, address(ledger), late, "answered a demand after its deadline");
        IInferenceLedger.CommitmentStatus statusBefore = ledger.getCommitment(c.id).status;
        if (!_expectOk(address(this), address(ledger), expiry, "expireDataDemand")) return _end("");
        ghostCredit[d.demander] += deposit_;
        _bookFault(d.commitIndex, statusBefore);
        _end("expireDataDemand");
    }

    /// Pays a slashed commitment's reward (mostly one still unpaid): accepted exactly when every accusation on it
    /// is closed and its window is over.
    function payReward(uint256 seed) external {
        _begin();
        uint256 n = _commits.length;
        uint256 pick = type(uint256).max;
        for (uint256 k; k < n; ++k) {
            uint256 ci = (seed + k) % n;
            if (ledger.getCommitment(_commits[ci].id).status != IInferenceLedger.CommitmentStatus.Slashed) continue;
            if (pick == type(uint256).max || (seed % 4 != 0 && !ledger.getDisputeTally(_commits[ci].id).rewardPaid)) {
                pick = ci;
                if (!ledger.getDisputeTally(_commits[ci].id).rewardPaid) break;
            }
        }
        if (pick == type(uint256).max) return _end("");
        CommitRec memory c = _commits[pick];
        IInferenceLedger.DisputeTally memory tally = ledger.getDisputeTally(c.id);
        bytes memory data = abi.encodeCall(IInferenceLedger.payChallengerReward, (c.id));
        if (tally.rewardPaid || tally.open != 0 || currentTime <= c.deadline) {
            _expectRevert(address(this), address(ledger), data, "paid a reward that is not final");
            return _end("");
        }
        _expectOk(address(this), address(ledger), data, "payChallengerReward");
        _end("payReward");
    }

    /// Reveals that must be refused: forged inference, tampered sibling, wrong index, extra sibling — or the honest
    /// proof, too late or on a closed commitment. The commit stays unrevealed (and is forfeited later).
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
        }
        bytes32 claim = keccak256(abi.encode("claimed", delta));
        uint256 ai = _commitAccusation(chSeed, ci, leaf, claim);
        if (ai == type(uint256).max) return _end("");
        AccusationCommit memory a = _accusationCommits[ai];
        _fundBond(a.challenger, challengerBondOf[c.model] - deposit_);
        bytes memory data = abi.encodeCall(IInferenceLedger.challenge, (c.id, leaf, inf, proof, claim, a.salt));
        vm.prank(a.challenger);
        (bool ok,) = address(ledger).call(data);
        if (ok) {
            _fail(open ? "forged challenge accepted" : "challenge accepted outside the window");
        }
        _end("challengeInvalid");
    }

    function vote(uint256 arbSeed, uint256 disputeSeed, bool operatorAtFault) external {
        _begin();
        uint256 n = _disputes.length;
        for (uint256 k; k < n; ++k) {
            uint256 di = (disputeSeed + k) % n;
            uint256 id = _disputes[di].id;
            ICommitteeResolver.Ballot memory ballot = committee.getBallot(id);
            if (ballot.status != ICommitteeResolver.BallotStatus.Voting || currentTime > ballot.deadline) continue;
            for (uint256 a; a < _arbiters.length; ++a) {
                address arbiter = _arbiters[(arbSeed + a) % _arbiters.length];
                if (committee.hasVoted(id, arbiter)) continue;
                IInferenceLedger.CommitmentStatus before = ledger.getCommitment(_commits[_disputes[di].commitIndex].id).status;
                if (!_expectOk(arbiter, address(committee), abi.encodeCall(ICommitteeResolver.vote, (id, operatorAtFault)), "vote")) {
                    return _end("");
                }
                ballot = committee.getBallot(id);
                IInferenceLedger.DisputeStatus ds = ledger.getDispute(id).status;
                if (ballot.status == ICommitteeResolver.BallotStatus.Decided) {
                    IInferenceLedger.DisputeStatus want = operatorAtFault
                        ? IInferenceLedger.DisputeStatus.OperatorFault
                        : IInferenceLedger.DisputeStatus.ChallengerFault;
                    if (ds != want) _fail("decided ballot not reported to the ledger");
                    _afterClose(di, before);
                } else if (ds != IInferenceLedger.DisputeStatus.Open) {
                    _fail("dispute closed without a decision");
                }
                // A second vote by the same arbiter must fail.
                _expectRevert(arbiter, address(committee), abi.encodeCall(ICommitteeResolver.vote, (id, !operatorAtFault)), "double vote");
                return _end("vote");
            }
        }
        _end("");
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
        _afterClose(di, before);
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
        _afterClose(di, before);
        _end("expireDispute");
    }

    // ------------------------------------------------------------------ time

    function warp(uint256 dt) external {
        currentTime += _bound(dt, 1, 3 days);
        _begin();
        _end("warp");
    }

    /// Lands exactly on (or one second past) a deadline the protocol checks.
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
        } else if (kind == 3 && _accusationCommits.length > 0) {
            target = _accusationCommits[pick % _accusationCommits.length].committedAt + revealWindow;
        } else if (kind == 4 && _demands.length > 0) {
            target = _demands[pick % _demands.length].deadline;
        } else {
            kind = 5;
            target = stakeManager.withdrawalOf(_operatorWithWithdrawal(pick)).readyAt;
            if (target > 0) target -= (seed >> 16) % 2; // one second early, or on time
        }
        if (kind < 5) target += (seed >> 16) % 2; // on the deadline, or one second past it
        if (target > currentTime) currentTime = target;
        _begin();
        _end("warpToBoundary");
    }

    // ------------------------------------------------------------------ internals

    function _begin() private {
        vm.warp(currentTime);
    }

    /// Records coverage and checks that terminal states stayed terminal.
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
        for (uint256 i; i < _accusationCommits.length; ++i) {
            IInferenceLedger.ChallengeCommitStatus s = ledger.getChallengeCommit(_accusationCommits[i].hash).status;
            IInferenceLedger.ChallengeCommitStatus t = commitRecordTerminal[i];
            if (t != IInferenceLedger.ChallengeCommitStatus.None) {
                if (s != t) _fail("a revealed or forfeited commit changed status");
            } else if (s == IInferenceLedger.ChallengeCommitStatus.Revealed || s == IInferenceLedger.ChallengeCommitStatus.Forfeited) {
                commitRecordTerminal[i] = s;
            }
        }
        for (uint256 i; i < _demands.length; ++i) {
            IInferenceLedger.DataDemandStatus s = ledger.getDataDemand(_demands[i].key).status;
            IInferenceLedger.DataDemandStatus t = demandTerminal[i];
            if (t != IInferenceLedger.DataDemandStatus.None) {
                if (s != t) _fail("a collected or withheld demand changed status");
            } else if (s == IInferenceLedger.DataDemandStatus.Collected || s == IInferenceLedger.DataDemandStatus.Withheld) {
                demandTerminal[i] = s;
            }
        }
        // A slashed commitment's reward is paid once, when final, to the earliest-committed proven accusation.
        for (uint256 ci; ci < _commits.length; ++ci) {
            bytes32 id = _commits[ci].id;
            if (_rewardSeenPaid[ci] || ledger.getCommitment(id).status != IInferenceLedger.CommitmentStatus.Slashed) continue;
            IInferenceLedger.DisputeTally memory tally = ledger.getDisputeTally(id);
            (uint256 best, address who) = _earliestProven(ci);
            if (tally.rewardAccusation != best || tally.rewardee != who) _fail("reward claimant is not the earliest proven");
            if (!tally.rewardPaid) continue;
            if (tally.open != 0 || currentTime <= _commits[ci].deadline) _fail("reward paid before it was final");
            _rewardSeenPaid[ci] = true;
            ghostCredit[who] += _commits[ci].bond * rewardBps / BPS;
        }
    }

    /// An operator with a pending withdrawal, searching from `seed` (or the seed's own pick when none has one).
    function _operatorWithWithdrawal(uint256 seed) private view returns (address) {
        for (uint256 k; k < 3; ++k) {
            address op = _operators[(seed + k) % 3];
            if (stakeManager.withdrawalOf(op).amount > 0) return op;
        }
        return _operators[seed % 3];
    }

    /// The first dispute from `seed` on that is still open at the ledger (or the seed's own pick).
    function _openDisputeFrom(uint256 seed) private view returns (uint256) {
        uint256 n = _disputes.length;
        for (uint256 k; k < n; ++k) {
            uint256 di = (seed + k) % n;
            if (ledger.getDispute(_disputes[di].id).status == IInferenceLedger.DisputeStatus.Open) return di;
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
        _salts[ci] = salt;
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
            uint256 ci = (seed + k) % n;
            IInferenceLedger.CommitmentStatus s = ledger.getCommitment(_commits[ci].id).status;
            if (
                (s == IInferenceLedger.CommitmentStatus.Pending || s == IInferenceLedger.CommitmentStatus.Disputed)
                    && currentTime <= _commits[ci].deadline
            ) return (true, ci);
        }
        return (false, 0);
    }

    /// Posts `chSeed`'s commit for an accusation of inference `leaf` of commitment `ci`; returns its index, or the
    /// largest uint when the commit failed.
    function _commitAccusation(uint256 chSeed, uint256 ci, uint256 leaf, bytes32 claim) private returns (uint256 ai) {
        address who = _challengers[chSeed % _challengers.length];
        bytes32 salt = keccak256(abi.encode(chSeed, _accusationCommits.length));
        bytes32 hash = ledger.computeChallengeCommit(who, _commits[ci].id, leaf, claim, salt);
        _fundBond(who, deposit_);
        uint256 before = ledger.disputeCount();
        if (!_expectOk(who, address(ledger), abi.encodeCall(IInferenceLedger.commitChallenge, (hash)), "commitChallenge")) {
            return type(uint256).max;
        }
        ghostTokensIn += deposit_;
        uint256 id = ledger.disputeCount();
        if (id != before + 1) _fail("commit ids are not sequential");
        ai = _accusationCommits.length;
        _accusationCommits.push(
            AccusationCommit({
                hash: hash,
                id: id,
                challenger: who,
                commitIndex: ci,
                leaf: leaf,
                claim: claim,
                salt: salt,
                committedAt: uint40(currentTime)
            })
        );
    }

    /// Reveals commit `ai` with the honest proof, expecting exactly what the rules say.
    function _reveal(uint256 ai) private {
        AccusationCommit memory a = _accusationCommits[ai];
        CommitRec memory c = _commits[a.commitIndex];
        IInferenceLedger.CommitmentStatus s = ledger.getCommitment(c.id).status;
        bool demand = a.claim == bytes32(0);
        bool allowed = s != IInferenceLedger.CommitmentStatus.Settled && currentTime <= c.deadline
            && currentTime <= a.committedAt + revealWindow
            && (s != IInferenceLedger.CommitmentStatus.Slashed || a.id < ledger.getDisputeTally(c.id).rewardAccusation);
        uint256 topUp = demand ? 0 : challengerBondOf[c.model] - deposit_;
        _fundBond(a.challenger, topUp);
        IInferenceLedger.Inference memory inf = _items[a.commitIndex][a.leaf];
        bytes memory data = demand
            ? abi.encodeCall(IInferenceLedger.demandData, (c.id, a.leaf, inf, _proof(a.commitIndex, a.leaf), a.salt))
            : abi.encodeCall(IInferenceLedger.challenge, (c.id, a.leaf, inf, _proof(a.commitIndex, a.leaf), a.claim, a.salt));
        if (!allowed) {
            _expectRevert(a.challenger, address(ledger), data, "revealed outside the rules");
            return;
        }
        if (!_expectOk(a.challenger, address(ledger), data, demand ? "demandData" : "challenge")) return;
        ghostTokensIn += topUp;
        if (demand) {
            _demands.push(
                DemandRec({
                    id: a.id,
                    commitIndex: a.commitIndex,
                    leaf: a.leaf,
                    demander: a.challenger,
                    key: ledger.computeDemandKey(a.id, c.id, a.leaf, inf.inputHash),
                    deadline: uint40(currentTime + answerWindow)
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
        }
        IInferenceLedger.CommitmentStatus after_ = ledger.getCommitment(c.id).status;
        if (after_ != (s == IInferenceLedger.CommitmentStatus.Slashed ? s : IInferenceLedger.CommitmentStatus.Disputed)) {
            _fail("accused commitment is not disputed");
        }
    }

    /// A commitment whose last accusation closed is pending again; with some open, still disputed.
    function _checkOpenStatus(bytes32 id) private {
        IInferenceLedger.CommitmentStatus s = ledger.getCommitment(id).status;
        bool open = ledger.getDisputeTally(id).open != 0;
        if (open != (s == IInferenceLedger.CommitmentStatus.Disputed)) _fail("disputed status does not match open accusations");
    }

    /// Books a proven fault of commitment `ci`: the first one slashes the whole bond.
    function _bookFault(uint256 ci, IInferenceLedger.CommitmentStatus commitBefore) private {
        CommitRec memory c = _commits[ci];
        if (commitBefore != IInferenceLedger.CommitmentStatus.Slashed) {
            ghostCredit[treasury] += c.bond - c.bond * rewardBps / BPS;
            ghostSlashed[c.operator] += c.bond;
        }
        if (ledger.getCommitment(c.id).status != IInferenceLedger.CommitmentStatus.Slashed) _fail("a proven fault did not slash");
    }

    /// The accusation on commitment `ci` with the lowest id that proved the operator at fault (0 when none).
    function _earliestProven(uint256 ci) private view returns (uint256 best, address who) {
        for (uint256 i; i < _disputes.length; ++i) {
            DisputeRec memory d = _disputes[i];
            if (d.commitIndex != ci || ledger.getDispute(d.id).status != IInferenceLedger.DisputeStatus.OperatorFault) continue;
            if (best == 0 || d.id < best) (best, who) = (d.id, d.challenger);
        }
        for (uint256 i; i < _demands.length; ++i) {
            DemandRec memory d = _demands[i];
            if (d.commitIndex != ci || ledger.getDataDemand(d.key).status != IInferenceLedger.DataDemandStatus.Withheld) continue;
            if (best == 0 || d.id < best) (best, who) = (d.id, d.demander);
        }
    }

    /// Books the credits a closed dispute must have produced.
    function _afterClose(uint256 di, IInferenceLedger.CommitmentStatus commitBefore) private {
        DisputeRec memory d = _disputes[di];
        CommitRec memory c = _commits[d.commitIndex];
        IInferenceLedger.DisputeStatus s = ledger.getDispute(d.id).status;
        IInferenceLedger.CommitmentStatus after_ = ledger.getCommitment(c.id).status;
        uint256 burned = d.bond * burnBps / BPS;
        if (s == IInferenceLedger.DisputeStatus.OperatorFault) {
            _bookFault(d.commitIndex, commitBefore);
            ghostCredit[d.challenger] += d.bond;
        } else if (s == IInferenceLedger.DisputeStatus.ChallengerFault) {
            ghostCredit[c.operator] += d.bond - burned;
            ghostCredit[treasury] += burned;
            if (after_ != commitBefore && after_ != IInferenceLedger.CommitmentStatus.Pending) _fail("status after challenger fault");
        } else if (s == IInferenceLedger.DisputeStatus.NoFault) {
            // An unproven accusation costs its challenger the burned share too: delay is never free.
            ghostCredit[d.challenger] += d.bond - burned;
            ghostCredit[treasury] += burned;
            if (after_ != commitBefore && after_ != IInferenceLedger.CommitmentStatus.Pending) _fail("status after no fault");
        } else {
            _fail("dispute still open after closing");
        }
        if (after_ != IInferenceLedger.CommitmentStatus.Slashed) _checkOpenStatus(c.id);
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
