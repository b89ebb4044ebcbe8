/** What one pass of a job did. */
export interface JobReport {
  job: string;
  /** How many things the pass handled: members, outbox tasks, orders or referrals, by job. */
  processed: number;
  /** The points those moved. */
  points: number;
}
