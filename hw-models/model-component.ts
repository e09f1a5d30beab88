// The base of every hardware model: a kernel Component that can be given its faults before the simulation is
// sealed. The kernel only accepts control events once component ids exist (after seal), while a wiring helper
// schedules a scenario's faults right after building; so a control scheduled early waits here and is posted in
// start(). Each component posts only its own controls, which keeps a partitioned run correct (non-local
// components are never started).

import { Component } from '../src/kernel/index.js';
import type { ControlMsg } from './messages.js';

export abstract class ModelComponent extends Component {
  private deferred: { at: number; seq: number; control: ControlMsg }[] = [];

  /** Delivers `control` to this component's onControl at virtual time `at`; `seq` orders controls of the same
   *  instant (the fault's index in its scenario). */
  scheduleControl(at: number, seq: number, control: ControlMsg): void {
    if (this.id >= 0) this.sim.postControl(at, this, seq, control);
    else this.deferred.push({ at, seq, control });
  }

  override start(): void {
    const d = this.deferred;
    this.deferred = [];
    for (const c of d) this.sim.postControl(Math.max(c.at, this.now), this, c.seq, c.control);
  }
}
