import { deleteTopology } from '@ordering/messaging';
import amqp from 'amqplib';

/** The bench's quorum queues would otherwise stay on the broker after every production-mode run. */
export const deleteBrokerNamespace = async (brokerUrl: string, namespace: string): Promise<void> => {
  const connection = await amqp.connect(brokerUrl);
  try {
    await deleteTopology(await connection.createChannel(), namespace);
  } finally {
    await connection.close();
  }
};
