import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RmqContext, Transport } from '@nestjs/microservices';
import { ChangeConsumer } from './change-consumer.service.js';
import { CHANGE_PATTERN, type IncomingChange } from './change-message.deserializer.js';
import { LiveUpdatesTopology } from './live-updates-topology.js';
import { RabbitMqChangeDelivery } from './rabbitmq-change-delivery.js';

@Controller()
export class LiveUpdatesController {
  constructor(
    private readonly consumer: ChangeConsumer,
    private readonly topology: LiveUpdatesTopology,
  ) {}

  @EventPattern<string>(CHANGE_PATTERN, Transport.RMQ)
  onChange(@Payload() incoming: IncomingChange, @Ctx() context: RmqContext): Promise<void> {
    return this.consumer.consume(incoming, new RabbitMqChangeDelivery(context, this.topology));
  }
}
