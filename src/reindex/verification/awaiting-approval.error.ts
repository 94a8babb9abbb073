/**
 * The relevance gate blocked the candidate: not a failure to retry, a decision to wait for. The
 * executor pauses the job with pausedBy `relevance-gate`, giving its run slot back.
 */
export class AwaitingApprovalError extends Error {
  override readonly name = 'AwaitingApprovalError';
}
