import type { SeededRandom } from '../../scripts/seed/random.js';
import type { TrialWorld } from './faults.js';

export interface RolloutPlan {
  /** Before the first old replica is replaced, and between replacements. */
  readonly gapsMs: readonly number[];
  readonly oldReplicaCrashes: boolean;
}

export function rolloutPlan(random: SeededRandom): RolloutPlan {
  return { gapsMs: [random.int(1000, 12_000), random.int(1000, 12_000)], oldReplicaCrashes: random.chance(0.4) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A rolling deploy of a changed events definition (events-with-weekday): one new replica first,
 * then each old one stopped (SIGTERM) and replaced by a new one; an old one may crash on the way
 * and come back on its old image.
 */
export async function rollOut(world: TrialWorld, plan: RolloutPlan, when: string | null): Promise<void> {
  world.log(`rolling deploy of events-with-weekday begins${when ? ` (${when})` : ''}`);
  const old = world.replicas.running().filter((replica) => replica.definitions === 'default');
  await world.replicas.start('events-with-weekday');
  world.deployed('events-with-weekday');
  await sleep(plan.gapsMs[0]);
  if (plan.oldReplicaCrashes) {
    // An old pod crashes mid-rollout and its old image is restarted: it sees its own definition live.
    const crashed = old.pop()!;
    await world.replicas.kill(crashed, 'an old replica crashes during the rollout');
    old.push(await world.replicas.start('default'));
  }
  for (const [i, replica] of old.entries()) {
    await world.replicas.stop(replica, 'rolling deploy');
    await world.replicas.start('events-with-weekday');
    if (i < old.length - 1) await sleep(plan.gapsMs[1]);
  }
  world.log('rolling deploy done: every replica serves events-with-weekday');
}
