import { Module } from '@nestjs/common';
import { Metrics } from './metrics.js';

/** One Metrics per application, for every module that imports this one. */
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
