import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Observable, Subscription } from 'rxjs';

/** Up while the consumer's connection is open and not blocked by a broker resource alarm. */
@Injectable()
export class LiveUpdatesHealth implements OnModuleDestroy {
  private status = 'not-started';
  private subscription?: Subscription;

  /** REINDEX_MODE=observe: no consumer by design, which is not an outage. */
  observe(): void {
    this.status = 'observe-mode';
  }

  watch(status: Observable<string>): void {
    this.subscription?.unsubscribe();
    this.subscription = status.subscribe((next) => (this.status = next));
  }

  /** The consumer connection's last status: not-started, connected, disconnected, blocked, unblocked… */
  get state(): string {
    return this.status;
  }

  isHealthy(): Promise<boolean> {
    return Promise.resolve(this.status === 'connected' || this.status === 'unblocked' || this.status === 'observe-mode');
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
