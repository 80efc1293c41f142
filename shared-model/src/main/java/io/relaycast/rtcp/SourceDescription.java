package io.relaycast.rtcp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * RTCP source description, PT 202 (RFC 3550 §6.5): up to 31 chunks, each an SSRC with a list
 * of items (CNAME, NAME, ...), the list ended by a null octet and padded to a word boundary.
 *
 * @param chunks the chunks in wire order
 */
public record SourceDescription(List<Chunk> chunks) implements RtcpPacket {

    /** RFC 3550 §12.2 SDES item types. */
    public static final int CNAME = 1;
    public static final int NAME = 2;
    public static final int EMAIL = 3;
    public static final int PHONE = 4;
    public static final int LOC = 5;
    public static final int TOOL = 6;
    public static final int NOTE = 7;
    public static final int PRIV = 8;

    public SourceDescription {
        chunks = List.copyOf(chunks);
        RtcpWire.checkRange(chunks.size(), 0, 31, "chunk count");
        RtcpWire.checkPacketLength(contentLength(chunks), "source description");
    }

    /** The usual SDES of a WebRTC endpoint: one chunk carrying only a CNAME. */
    public static SourceDescription cname(long ssrc, String cname) {
        return new SourceDescription(List.of(new Chunk(ssrc, List.of(Item.text(CNAME, cname)))));
    }

    /** The CNAME given for {@code ssrc}, if any chunk carries one. */
    public Optional<String> cnameOf(long ssrc) {
        for (Chunk chunk : chunks) {
            if (chunk.ssrc() == ssrc) {
                for (Item item : chunk.items()) {
                    if (item.type() == CNAME) {
                        return Optional.of(item.text());
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public int packetType() {
        return SOURCE_DESCRIPTION;
    }

    @Override
    public int length() {
        return contentLength(chunks);
    }

    private static int contentLength(List<Chunk> chunks) {
        int length = RtcpWire.HEADER_LENGTH;
        for (Chunk chunk : chunks) {
            length += chunk.length();
        }
        return length;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int content = contentLength(chunks);
        RtcpWire.checkRoom(buf, off, content);
        int p = off + RtcpWire.HEADER_LENGTH;
        for (Chunk chunk : chunks) {
            p += chunk.writeTo(buf, p);
        }
        return RtcpWire.finish(buf, off, content, chunks.size(), SOURCE_DESCRIPTION);
    }

    static SourceDescription parse(BodyReader r, int chunkCount) throws RtcpException {
        // Each chunk takes at least 8 bytes (SSRC plus a padded null item), so a count the body
        // cannot hold is rejected before anything is allocated for it.
        r.need(chunkCount * 8);
        List<Chunk> chunks = new ArrayList<>(chunkCount);
        for (int c = 0; c < chunkCount; c++) {
            long ssrc = r.u32();
            List<Item> items = new ArrayList<>();
            while (true) {
                int type = r.u8();
                if (type == 0) {
                    break;
                }
                int length = r.u8();
                items.add(new Item(type, r.bytes(length)));
            }
            // RFC 3550 §6.5: after the terminating null, pad with nulls to the next 32-bit boundary.
            r.skip((4 - r.consumed() % 4) % 4);
            chunks.add(new Chunk(ssrc, items));
        }
        if (r.remaining() != 0) {
            throw r.fail(r.remaining() + " bytes after the last of " + chunkCount + " chunks");
        }
        return new SourceDescription(chunks);
    }

    /**
     * One SDES chunk.
     *
     * @param ssrc  the source (SSRC or CSRC) described
     * @param items its items in wire order
     */
    public record Chunk(long ssrc, List<Item> items) {
        public Chunk {
            RtcpWire.checkU32(ssrc, "ssrc");
            items = List.copyOf(items);
        }

        /** SSRC, items, the terminating null and the padding to a word boundary. */
        int length() {
            int length = 4;
            for (Item item : items) {
                length += 2 + item.value.length;
            }
            return RtcpWire.paddedLength(length + 1);
        }

        int writeTo(byte[] buf, int off) {
            RtcpWire.put32(buf, off, ssrc);
            int p = off + 4;
            for (Item item : items) {
                buf[p] = (byte) item.type;
                buf[p + 1] = (byte) item.value.length;
                System.arraycopy(item.value, 0, buf, p + 2, item.value.length);
                p += 2 + item.value.length;
            }
            int end = off + length();
            Arrays.fill(buf, p, end, (byte) 0);
            return end - off;
        }
    }

    /**
     * One SDES item. The value is kept as bytes so a relayed item is reproduced exactly even
     * when it is not valid UTF-8.
     *
     * @param type  item type, 1–255 (0 ends the list on the wire and cannot be an item)
     * @param value up to 255 octets, UTF-8 text for the standard items (RFC 3550 §6.5)
     */
    public record Item(int type, byte[] value) {
        public Item {
            RtcpWire.checkRange(type, 1, 255, "item type");
            value = value.clone();
            RtcpWire.checkRange(value.length, 0, 255, "item length");
        }

        /** An item holding UTF-8 text. */
        public static Item text(int type, String text) {
            return new Item(type, text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        /** The value decoded as UTF-8. */
        public String text() {
            return new String(value, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Item other && type == other.type && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return type * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Item[type=" + type + ", text=" + text() + "]";
        }
    }
}
