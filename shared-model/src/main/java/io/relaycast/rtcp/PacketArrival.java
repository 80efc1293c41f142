package io.relaycast.rtcp;

/**
 * The fate of one transport-wide sequence number: received at some time, or not received.
 * Input of {@link TransportCcFeedbackEncoder} and output of {@link TransportCcFeedback#packets()}.
 *
 * @param sequence      transport-wide sequence number, 0–65535
 * @param received      whether the packet arrived
 * @param arrivalMicros arrival time in microseconds on the feedback sender's clock; 0 when not
 *                      received
 */
public record PacketArrival(int sequence, boolean received, long arrivalMicros) {
    public PacketArrival {
        RtcpWire.checkRange(sequence, 0, 0xFFFF, "sequence");
        if (!received && arrivalMicros != 0) {
            throw new IllegalArgumentException("a packet that was not received has no arrival time");
        }
    }

    public static PacketArrival received(int sequence, long arrivalMicros) {
        return new PacketArrival(sequence, true, arrivalMicros);
    }

    public static PacketArrival lost(int sequence) {
        return new PacketArrival(sequence, false, 0);
    }
}
