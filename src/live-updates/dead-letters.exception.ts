import { CodedError } from '../common/index.js';

/** Why an operation on the dead-letter queue was refused; the API's error `code`. */
export enum DeadLettersErrorCode {
  DEAD_LETTER_NOT_FOUND = 'DEAD_LETTER_NOT_FOUND',
  /** Its body is not a valid change: requeued, it would be dead-lettered again at once. */
  DEAD_LETTER_NOT_REQUEUABLE = 'DEAD_LETTER_NOT_REQUEUABLE',
  /** Another reader holds the queue (a dead-letter operation on another replica, or a consumer of the operator's own). */
  DEAD_LETTERS_BUSY = 'DEAD_LETTERS_BUSY',
  /** The broker refused the requeued copy; the dead letter stays. */
  REQUEUE_NOT_CONFIRMED = 'REQUEUE_NOT_CONFIRMED',
  RABBITMQ_UNAVAILABLE = 'RABBITMQ_UNAVAILABLE',
}

export class DeadLettersException extends CodedError<DeadLettersErrorCode> {}
