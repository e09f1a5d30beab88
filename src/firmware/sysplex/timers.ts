// The Sysplex module's HAL timers (ids relative to the base the stack gives it) and their intervals.

export const WLM_TIMER = 1;
export const AFFINITY_TIMER = 2;
export const JOIN_TIMER = 3;
/** After joining, a stack waits this long for the members' hellos before it activates what it defines, so
 *  that a re-IPLed owner takes its DVIPA back by handover instead of racing the acting backup (assumed). */
export const JOIN_SETTLE_PS = 100_000_000;
/** SYSPLEXWLMPOLL is 60 s by default; emulated runs last seconds, so weights are exchanged every 10 ms (assumed). */
export const WLM_POLL_PS = 10_000_000_000;
