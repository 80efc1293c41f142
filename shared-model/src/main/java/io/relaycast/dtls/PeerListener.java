package io.relaycast.dtls;

/** What the BouncyCastle peers tell their endpoint while the record layer runs. */
interface PeerListener {

    /** The cipher suite was negotiated (ServerHello sent or received). */
    void cipherSuiteSelected(int cipherSuite);

    /** The peer sent close_notify (RFC 5246 §7.2.1): an orderly close, not a failure. */
    void closeNotifyReceived();
}
