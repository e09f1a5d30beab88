// The Sysplex module's HAL timers (ids relative to the base the stack gives it) and their intervals.

export const WLM_TIMER = 1;
export const AFFINITY_TIMER = 2;
export const JOIN_TIMER = 3;
/** After joining, a stack applies the ownership rules no sooner than this (assumed: its VIPADYNAMIC processing).
 *  A DVIPA it defines it activates only once every member XCF lists has said in its hello what it has active
 *  (rules.ts): a re-IPLed owner waits for the acting backup's handover whatever the signalling latency. */
export const JOIN_SETTLE_PS = 100_000_000;
/** One second in ps: GLOBALCONFIG SYSPLEXWLMPOLL is in seconds (default 60). */
export const SECOND_PS = 1_000_000_000_000;
