package io.relaycast.load;

/**
 * One second of the run. Cumulative counters (CPU, forwarded, received) are kept as totals so
 * that any window's rate is a difference of two samples; loss and latency are per interval.
 *
 * @param serverCpuMicros  CPU time of the sampled server processes since they started; -1 unknown
 * @param forwarded        the servers' forwarded-packet counter; -1 unknown
 * @param received         RTP packets received by all subscribers so far
 * @param intervalLoss     lost / expected over all streams in this interval
 * @param harnessCpuMicros CPU time of the harness process so far; -1 unknown
 * @param loopCpuMicros    CPU time of the harness's media loop thread so far (it receives every
 *                         datagram, so it saturates first); -1 unknown
 */
record Sample(double t, long serverCpuMicros, long serverRssKiB, long forwarded, long received, long sent,
              double intervalLoss, double latencyP50Ms, double latencyP99Ms, long clientsConnected,
              int streams, double serverCpuPercent, long harnessCpuMicros,
              long loopCpuMicros) {
}
