// What a transport tells its onError hook besides the human message, so that a
// JSON log line can carry the sink, the attempt and what happens next as fields.

export interface DeliveryFailure {
  sink: 'webhook' | 'syslog';
  /** The webhook URL (credentials removed) or the syslog endpoint, e.g. tcp://127.0.0.1:6514. */
  target: string;
  /** The failure alone, without the target. */
  error: string;
  /** errno-style code when there is one (ECONNREFUSED, ENOTFOUND, EMSGSIZE, …). */
  code?: string;
  /** HTTP status of a rejected webhook attempt. */
  status?: number;
  /** Webhook: the attempt that failed (1 = first) and how many are allowed. */
  attempt?: number;
  maxAttempts?: number;
  /** Alerts in the batch (webhook) or waiting for the connection (syslog over TCP/Unix). */
  alerts?: number;
  /** retrying (after retryInMs), reconnecting, or the batch's fate: rejected, retries-exhausted, dropped. */
  outcome: 'retrying' | 'reconnecting' | 'rejected' | 'retries-exhausted' | 'dropped';
  retryInMs?: number;
}

export type DeliveryErrorHook = (message: string, failure?: DeliveryFailure) => void;
