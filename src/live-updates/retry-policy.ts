import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/**
 * How often a failing change is tried (first delivery included) and how long it waits
 * in the retry queue between tries.
 */
@Injectable()
export class RetryPolicy {
  readonly maxAttempts: number;
  readonly delayMs: number;

  constructor(config?: AppConfig) {
    this.maxAttempts = config?.rabbitmq.maxAttempts ?? 5;
    this.delayMs = config?.rabbitmq.retryDelayMs ?? 5000;
  }
}
