package io.relaycast.sdp;

/** Direction of an {@code a=rid} line (RFC 8851 §10: {@code rid-dir = %s"send" / %s"recv"}). */
public enum RidDirection {
    SEND("send"),
    RECV("recv");

    private final String value;

    RidDirection(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    static RidDirection parse(String s) throws SdpException {
        if (SEND.value.equals(s)) {
            return SEND;
        }
        if (RECV.value.equals(s)) {
            return RECV;
        }
        throw new SdpException("rid direction must be 'send' or 'recv', got '" + s + "'");
    }

    @Override
    public String toString() {
        return value;
    }
}
