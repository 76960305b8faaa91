/**
 * Acting on a resend command (see resend.ts for the contract): parse, re-queue in the outbox, reply.
 * A bad command changes nothing and gets an error reply naming the field.
 */
import type { IPublishPacket } from 'mqtt';
import type { Logger } from '../log.js';
import type { Outbox } from '../store/outbox/outbox.js';
import type { UplinkTopics } from './payload.js';
import { parseResendCommand, ResendCommandError, resendErrorReply, resendReply } from './resend.js';

export type Reply = (topic: string, body: object, correlationData?: Buffer) => void;

export interface ResendContext {
  outbox: Outbox;
  topics: UplinkTopics;
  log: Logger;
  payload: Buffer;
  packet: IPublishPacket;
  reply: Reply;
}

export function handleResendCommand(context: ResendContext): void {
  const { outbox, topics, log, payload, packet, reply } = context;
  const responseTopic = packet.properties?.responseTopic ?? topics.resendReply;
  const correlation = packet.properties?.correlationData;
  try {
    const request = parseResendCommand(payload);
    const requeued = outbox.requeue(request);
    const body = resendReply(requeued, outbox.oldestHeldAt());
    log.info(
      `resend ${new Date(request.fromMs).toISOString()}..${new Date(request.toMs).toISOString()}: ${String(body.requeued)} records re-queued`,
    );
    reply(responseTopic, body, correlation);
  } catch (error) {
    if (!(error instanceof ResendCommandError)) {
      log.error(`resend command failed: ${(error as Error).message}`);
      reply(
        responseTopic,
        {
          ok: false,
          error: { code: 'internal', message: (error as Error).message },
        },
        correlation,
      );
      return;
    }
    log.warn(`resend command refused: ${error.message}`);
    reply(responseTopic, resendErrorReply(error), correlation);
  }
}
