import type { AmqpConnectionManagerOptions } from 'amqp-connection-manager';
import type { AppConfig } from '../config/index.js';

/**
 * How the consumer's and the publisher's connections reach RabbitMQ: heartbeats and reconnects
 * quick enough to notice a broker restart within seconds, and for an amqps:// broker the CA
 * that signed its certificate (RABBITMQ_CA_FILE) when it is not one the system trusts.
 */
export function rabbitMqConnectionOptions(rabbitmq: AppConfig['rabbitmq']): Pick<AmqpConnectionManagerOptions, 'heartbeatIntervalInSeconds' | 'reconnectTimeInSeconds' | 'connectionOptions'> {
  return {
    heartbeatIntervalInSeconds: 5,
    reconnectTimeInSeconds: 2,
    ...(rabbitmq.ca ? { connectionOptions: { ca: [rabbitmq.ca] } } : {}),
  };
}
