// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {InferenceReceipts} from "../libraries/InferenceReceipts.sol";

/// @title SettledAnswerConsumer
/// @notice An example dApp contract that takes a model's answer to a question only once the ledger has settled it:
/// anyone submits the receipt of the inference, and the first settled answer to each request is kept for good.
/// @dev What the contract trusts, and why:
///
/// - One model, fixed at deployment: an answer committed for any other model is refused, even if settled.
/// - A fixed set of operators, given at deployment. Request ids are unique per operator only, and any staked
///   operator may commit an answer to any request: were every operator accepted, whoever commits first (and is not
///   challenged in time) would decide the answer. A settled answer from a trusted operator is still one nobody proved
///   wrong while the bond stood behind it.
/// - Each request is bound to its question: the request id must be {requestIdOf} the inference's input hash. The
///   ledger proves only that the output is what the model computes from the committed input; without this binding an
///   operator could answer a request with the correct output for another input, and no dispute could show it.
///   Asking the same question twice is one request: a deterministic model has one answer to it.
///
/// Everything else, inclusion in the commitment and settlement, is checked through {InferenceReceipts}.
contract SettledAnswerConsumer {
    using InferenceReceipts for IInferenceLedger;

    /// @notice The ledger the answers are committed at.
    IInferenceLedger public immutable ledger;
    /// @notice The only model whose answers are accepted.
    bytes32 public immutable modelId;

    /// @notice Whether answers committed by `operator` are accepted.
    mapping(address operator => bool) public isTrustedOperator;
    /// @notice The accepted output hash of each request; zero while unanswered.
    mapping(bytes32 requestId => bytes32 outputHash) public answerOf;

    /// @notice Emitted when the settled answer to `requestId` was accepted from commitment `commitmentId`.
    event AnswerAccepted(bytes32 indexed requestId, bytes32 outputHash, bytes32 commitmentId);

    /// @notice The deployment parameters are invalid: zero ledger or model, no operator, a zero or repeated operator.
    error ConsumerInvalidConfiguration();

    /// @notice The receipt is for another model than this contract's.
    error ConsumerWrongModel(bytes32 modelId);

    /// @notice The receipt's operator is not one this contract trusts.
    error ConsumerUntrustedOperator(address operator);

    /// @notice The request id is not {requestIdOf} the inference's input hash: the answer is to another question.
    error ConsumerRequestMismatch(bytes32 requestId, bytes32 inputHash);

    /// @notice The answer has no output hash.
    error ConsumerEmptyAnswer(bytes32 requestId);

    /// @notice An answer to this request was accepted already.
    error ConsumerAlreadyAnswered(bytes32 requestId, bytes32 outputHash);

    /// @notice Deploys the consumer of one model's answers from a fixed set of operators.
    /// @param ledger_ The ledger the answers are committed at.
    /// @param modelId_ The model whose answers are accepted.
    /// @param operators The operators whose answers are accepted; at least one, no zero address, no repeats.
    constructor(IInferenceLedger ledger_, bytes32 modelId_, address[] memory operators) {
        if (address(ledger_) == address(0) || modelId_ == bytes32(0) || operators.length == 0) {
            revert ConsumerInvalidConfiguration();
        }
        for (uint256 i; i < operators.length; ++i) {
            address operator = operators[i];
            if (operator == address(0) || isTrustedOperator[operator]) revert ConsumerInvalidConfiguration();
            isTrustedOperator[operator] = true;
        }
        ledger = ledger_;
        modelId = modelId_;
    }

    /// @notice Accepts the answer a receipt proves settled, as the answer to its request. Anyone may call it.
    /// @dev Reverts with {ConsumerWrongModel}, {ConsumerUntrustedOperator}, {ConsumerRequestMismatch},
    /// {ConsumerEmptyAnswer}, {ConsumerAlreadyAnswered}, or the library's
    /// {InferenceReceipts-InferenceReceiptNotIncluded} (a forged or mistaken receipt) and
    /// {InferenceReceipts-InferenceReceiptNotSettled} (pending, disputed, fraudulent or voided).
    /// @param r The receipt of the inference that answers the request.
    function acceptAnswer(InferenceReceipts.Receipt calldata r) external {
        if (r.modelId != modelId) revert ConsumerWrongModel(r.modelId);
        if (!isTrustedOperator[r.operator]) revert ConsumerUntrustedOperator(r.operator);
        bytes32 requestId = r.inference.requestId;
        bytes32 inputHash = r.inference.inputHash;
        if (requestId != requestIdOf(inputHash)) revert ConsumerRequestMismatch(requestId, inputHash);
        bytes32 outputHash = r.inference.outputHash;
        if (outputHash == bytes32(0)) revert ConsumerEmptyAnswer(requestId);
        bytes32 accepted = answerOf[requestId];
        if (accepted != bytes32(0)) revert ConsumerAlreadyAnswered(requestId, accepted);
        ledger.requireSettled(r);
        answerOf[requestId] = outputHash;
        emit AnswerAccepted(requestId, outputHash, r.commitmentId);
    }

    /// @notice The status of a receipt's inference: what {acceptAnswer} waits for is
    /// {IInferenceLedger.InferenceStatus.Settled}.
    /// @param r The receipt.
    /// @return status {IInferenceLedger.InferenceStatus.None} when the receipt does not prove inclusion, the ledger's
    /// status of the inference otherwise. The model, operator and request checks of {acceptAnswer} are not made here.
    function receiptStatus(InferenceReceipts.Receipt calldata r)
        external
        view
        returns (IInferenceLedger.InferenceStatus status)
    {
        return ledger.status(r);
    }

    /// @notice The request id an operator must commit the answer to a question under.
    /// @param inputHash The question: the input's hash under the model's profile.
    /// @return requestId `keccak256(abi.encode(address(this), inputHash))`.
    function requestIdOf(bytes32 inputHash) public view returns (bytes32 requestId) {
        return keccak256(abi.encode(address(this), inputHash));
    }
}
