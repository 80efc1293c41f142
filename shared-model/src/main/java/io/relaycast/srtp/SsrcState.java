package io.relaycast.srtp;

/** What an {@link SrtpContext} remembers about one SSRC: both replay windows and the next SRTCP index. */
final class SsrcState {
    /** SRTP: the highest index is ROC * 2^16 + s_l (RFC 3711 §3.3.1). */
    final ReplayWindow rtp = new ReplayWindow();
    /** SRTCP: indices are explicit, 31 bits (RFC 3711 §3.4). */
    final ReplayWindow rtcp = new ReplayWindow();
    /** Next SRTCP index to send; RFC 3711 §3.4 starts it at 0. A long so 2^31 can be seen. */
    long nextRtcpIndex;
}
