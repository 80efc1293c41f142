package io.relaycast.rtcp;

/**
 * One 16-bit packet status chunk of a transport-cc feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.3/§3.1.4), kept as its raw value so
 * a parsed feedback is rewritten bit for bit.
 *
 * <ul>
 *   <li>Run length chunk (top bit 0): a 2-bit symbol repeated for a 13-bit run length.</li>
 *   <li>Status vector chunk (top bit 1): with S = 0, fourteen 1-bit symbols (not received /
 *       received with small delta); with S = 1, seven 2-bit symbols.</li>
 * </ul>
 *
 * @param raw the chunk as sent, 0–0xFFFF
 */
public record PacketStatusChunk(int raw) {
    /** §3.1.1 packet status symbols. */
    public static final int NOT_RECEIVED = 0;
    public static final int RECEIVED_SMALL_DELTA = 1;
    public static final int RECEIVED_LARGE_DELTA = 2;
    /** Reserved by the draft; a feedback using it for a real packet is malformed. */
    public static final int RESERVED = 3;

    public static final int MAX_RUN_LENGTH = 0x1FFF;
    public static final int ONE_BIT_CAPACITY = 14;
    public static final int TWO_BIT_CAPACITY = 7;

    public PacketStatusChunk {
        RtcpWire.checkRange(raw, 0, 0xFFFF, "chunk");
    }

    /** A run length chunk: {@code symbol} repeated {@code runLength} times. */
    public static PacketStatusChunk runLength(int symbol, int runLength) {
        RtcpWire.checkRange(symbol, 0, 3, "symbol");
        RtcpWire.checkRange(runLength, 0, MAX_RUN_LENGTH, "run length");
        return new PacketStatusChunk((symbol << 13) | runLength);
    }

    /**
     * A status vector chunk of fourteen 1-bit symbols taken from {@code symbols[from..from+count)};
     * slots past {@code count} are "not received" and only fill the chunk.
     */
    public static PacketStatusChunk oneBitVector(int[] symbols, int from, int count) {
        RtcpWire.checkRange(count, 0, ONE_BIT_CAPACITY, "symbol count");
        int raw = 0x8000;
        for (int i = 0; i < count; i++) {
            int symbol = RtcpWire.checkRange(symbols[from + i], 0, 1, "1-bit symbol");
            raw |= symbol << (ONE_BIT_CAPACITY - 1 - i);
        }
        return new PacketStatusChunk(raw);
    }

    /** A status vector chunk of seven 2-bit symbols; unused slots are "not received". */
    public static PacketStatusChunk twoBitVector(int[] symbols, int from, int count) {
        RtcpWire.checkRange(count, 0, TWO_BIT_CAPACITY, "symbol count");
        int raw = 0xC000;
        for (int i = 0; i < count; i++) {
            int symbol = RtcpWire.checkRange(symbols[from + i], 0, 3, "2-bit symbol");
            raw |= symbol << (2 * (TWO_BIT_CAPACITY - 1 - i));
        }
        return new PacketStatusChunk(raw);
    }

    public boolean isRunLength() {
        return (raw & 0x8000) == 0;
    }

    /** True for a status vector chunk with 2-bit symbols (S = 1). */
    public boolean isTwoBitVector() {
        return (raw & 0xC000) == 0xC000;
    }

    /** How many statuses the chunk describes: the run length, 14 or 7. */
    public int symbolCount() {
        if (isRunLength()) {
            return raw & MAX_RUN_LENGTH;
        }
        return isTwoBitVector() ? TWO_BIT_CAPACITY : ONE_BIT_CAPACITY;
    }

    /** The status symbol of the {@code index}-th packet the chunk covers. */
    public int symbol(int index) {
        if (isRunLength()) {
            return (raw >>> 13) & 3;
        }
        if (isTwoBitVector()) {
            return (raw >>> (2 * (TWO_BIT_CAPACITY - 1 - index))) & 3;
        }
        return (raw >>> (ONE_BIT_CAPACITY - 1 - index)) & 1;
    }

    @Override
    public String toString() {
        if (isRunLength()) {
            return "Run[symbol=" + symbol(0) + " x" + symbolCount() + "]";
        }
        StringBuilder s = new StringBuilder(isTwoBitVector() ? "Vector2[" : "Vector1[");
        for (int i = 0; i < symbolCount(); i++) {
            s.append(symbol(i));
        }
        return s.append(']').toString();
    }
}
