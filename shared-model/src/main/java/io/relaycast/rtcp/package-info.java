/**
 * RTCP codecs: compound packet parsing and writing, and the feedback builders an SFU needs.
 *
 * <ul>
 *   <li>RFC 3550 §6: the common header and compound packets ({@link io.relaycast.rtcp.RtcpCompound}),
 *       sender and receiver reports with report blocks (§6.4), source descriptions (§6.5),
 *       BYE (§6.6), NTP timestamps and LSR/DLSR round-trip time (§6.4.1, {@link io.relaycast.rtcp.NtpTime}),
 *       loss statistics (Appendix A.3).</li>
 *   <li>RFC 4585 §6: feedback messages; Generic NACK (§6.2.1) and Picture Loss Indication (§6.3.1).</li>
 *   <li>RFC 5104 §4.3.1: Full Intra Request.</li>
 *   <li>draft-alvestrand-rmcat-remb-03: Receiver Estimated Maximum Bitrate.</li>
 *   <li>draft-holmer-rmcat-transport-wide-cc-extensions-01 §3: transport-wide congestion control
 *       feedback, decoded and encoded ({@link io.relaycast.rtcp.TransportCcFeedbackEncoder}).</li>
 *   <li>RFC 5506: reduced-size RTCP is accepted (a compound need not start with a report).</li>
 * </ul>
 *
 * <p>Packets are immutable values parsed from {@code (buf, off, len)} and written with
 * {@code writeTo(buf, off)}; any malformed input ends in {@link io.relaycast.rtcp.RtcpException}.
 * Types not modelled (APP, XR, other feedback formats) are kept raw as
 * {@link io.relaycast.rtcp.UnknownRtcpPacket} so they can be relayed or ignored. Nothing here
 * reads a clock or does I/O.
 */
package io.relaycast.rtcp;
